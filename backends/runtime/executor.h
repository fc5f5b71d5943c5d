//===- backends/runtime/executor.h - the Plan implementation ----*- C++ -*-===//
//
// Internal to backends/runtime/: compile() builds an Executor (schedule.cpp)
// and hands it out as a Plan. The hot path is a flat vector of steps whose
// operands are int slots into a value table: no maps, no strings.
//
#pragma once

#include "backends/pure/interpreter.h"
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

struct MemoryPlan;

/// One entry of the hot loop: a pre-resolved step with pre-bound buffers.
struct DispatchStep {
  enum class Kind : uint8_t { Kernel, Alias, Region };
  Kind kind = Kind::Kernel;
  const Node *node = nullptr;  // Kernel
  const Buffer *ins = nullptr; // operand views (into the executor's view table)
  uint32_t numIns = 0;
  uint32_t refreshBegin = 0, refreshEnd = 0; // views to re-point before running
  Buffer *out = nullptr;                     // the output slot
  int step = -1;                             // index into steps()
  // A Kernel step that starts a run of fused loops executed as one
  // (runFusedGroup): how many dispatch steps it spans, and where their
  // members start in the executor's group table.
  uint32_t groupSize = 0, groupBegin = 0;
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
  ~Executor() override;

  const Graph &graph() const override { return *p_.graph; }
  std::vector<Buffer> run(std::span<const Buffer> inputs, const ParamStore &params) override;
  void run(std::span<const Buffer> inputs, const ParamStore &params,
           std::span<Buffer> outputs) override;
  const RunStats &stats() const override { return stats_; }
  void setStepTiming(bool on) override { timeSteps_ = on; }
  int64_t arenaBytes() const override;
  std::string compileReport() const override;
  std::string explain() const override;

  /// Makes RunStats report the counters of the cache holding this plan.
  void attachCacheCounters(std::shared_ptr<const CacheCounters> c) { cache_ = std::move(c); }
  const std::vector<Step> &steps() const { return p_.steps; }
  const std::vector<RegionStep> &regions() const { return p_.regions; }
  const MemoryPlan &memoryPlan() const { return *memory_; }

private:
  struct Refresh {
    uint32_t view;
    int slot;
  };
  void buildDispatch();
  /// Marks runs of consecutive fused loops over the same elements to be
  /// executed chunk by chunk (runFusedGroup).
  void groupFusedLoops();
  void bindInputs(std::span<const Buffer> inputs, const ParamStore &params);
  void bindOutputs(std::span<Buffer> outputs);
  void execute();
  void finishRun(std::span<Buffer> outputs);
  void releaseRunValues();
  void runPure(const PureStep &s);
  void runRegion(const RegionStep &r, StepTiming &timing);

  Parts p_;
  std::unique_ptr<MemoryPlan> memory_;
  RunStats stats_;
  std::shared_ptr<const CacheCounters> cache_;
  std::mutex runMutex_; // a plan may be shared between threads
  bool timeSteps_ = false;
  std::shared_ptr<void> arena_;  // allocated by the first run
  std::vector<Buffer> values_;   // per slot; arena slots are permanent views
  std::vector<Buffer> views_;    // operands of the dispatch steps, contiguous per step
  std::vector<Refresh> refresh_; // views of non-arena slots, re-pointed per run
  std::vector<DispatchStep> dispatch_;
  std::vector<FusedGroupMember> groupMembers_; // see DispatchStep::groupSize
  std::vector<std::vector<int>> releaseAfter_; // per step: non-arena slots to drop
  std::vector<int> transientSlots_;            // every slot whose buffer changes per run
  std::vector<Buffer> scratch_;                // torch region operands, kept for capacity
  bool warnedFallback_ = false;
};

/// Schedules the partitioned graph into an Executor (schedule.cpp). Throws
/// an internal duet::Error if the torch regions cannot be ordered.
std::shared_ptr<Executor> buildExecutor(std::unique_ptr<Graph> graph, CompileOptions options,
                                        std::vector<PassTiming> passTimings);

} // namespace duet
