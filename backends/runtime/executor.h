//===- backends/runtime/executor.h - the Plan implementation ----*- C++ -*-===//
//
// Internal to backends/runtime/: compile() builds an Executor (schedule.cpp)
// and hands it out as a Plan. The hot path is a flat vector of steps whose
// operands are int slots into a value table: no maps, no strings.
//
#pragma once

#include "backends/runtime/compile.h"
#include "backends/runtime/plan.h"
#include "backends/torch_backend.h"
#include "ir/graph.h"
#include "passes/pass_manager.h"

#include <atomic>
#include <memory>
#include <mutex>

namespace duet {

/// Hit/miss counters of the plan cache that built a plan (shared so a plan
/// can report them in its RunStats).
struct CacheCounters {
  std::atomic<int64_t> hits{0}, misses{0};
};

/// One node run by the pure interpreter (or an alias: a to_torch/from_torch
/// outside a region is an identity, so its slot just shares its input).
struct PureStep {
  const Node *node = nullptr;
  std::vector<int> inputs; // slots
  int output = -1;         // slot
  bool alias = false;
};

/// A torch region: run as one call, or on the pure interpreter on failure.
struct RegionStep {
  int id = -1; // the region id shown in messages
  TorchRegion region;
  std::vector<int> inputSlots;    // parallel to region.inputs
  std::vector<int> outputSlots;   // parallel to region.outputs
  std::vector<PureStep> fallback; // region nodes, in order
  int64_t computeNodes = 0;       // nodes that are not conversions
};

struct Step {
  int region = -1; // index into regions, or -1 for `pure`
  PureStep pure;
  std::vector<int> release; // slots no longer needed after this step
};

class Executor final : public Plan {
public:
  /// Everything compile() decided; see schedule.cpp.
  struct Parts {
    std::unique_ptr<Graph> graph;
    std::vector<Step> steps;
    std::vector<RegionStep> regions;
    int numSlots = 0;
    std::vector<int> inputSlots; // graph-input order
    std::vector<int> paramSlots; // graph-param order
    std::vector<std::pair<int, Buffer>> constants;
    std::vector<int> outputSlots;
    std::vector<StepTiming> timings; // one per step, labels filled in
    std::vector<PassTiming> passTimings;
    CompileOptions options;
  };
  explicit Executor(Parts parts);

  const Graph &graph() const override { return *p_.graph; }
  std::vector<Buffer> run(std::span<const Buffer> inputs, const ParamStore &params) override;
  const RunStats &stats() const override { return stats_; }
  std::string compileReport() const override;
  std::string explain() const override;

  /// Makes RunStats report the counters of the cache holding this plan.
  void attachCacheCounters(std::shared_ptr<const CacheCounters> c) { cache_ = std::move(c); }
  const std::vector<Step> &steps() const { return p_.steps; }
  const std::vector<RegionStep> &regions() const { return p_.regions; }

private:
  void bindInputs(std::span<const Buffer> inputs, const ParamStore &params);
  void runPure(const PureStep &s);
  void runRegion(const RegionStep &r, StepTiming &timing);
  /// The one place pure outputs are allocated (memory planning replaces it).
  Buffer allocateOutput(const PureStep &s);

  Parts p_;
  RunStats stats_;
  std::shared_ptr<const CacheCounters> cache_;
  std::mutex runMutex_;                  // a plan may be shared between threads
  std::vector<Buffer> values_, scratch_; // per-run tables, kept for their capacity
  bool warnedFallback_ = false;
};

/// Schedules the partitioned graph into an Executor (schedule.cpp). Throws
/// an internal duet::Error if the torch regions cannot be ordered.
std::shared_ptr<Executor> buildExecutor(std::unique_ptr<Graph> graph, CompileOptions options,
                                        std::vector<PassTiming> passTimings);

} // namespace duet
