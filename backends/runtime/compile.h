//===- backends/runtime/compile.h - graph -> executable plan ----*- C++ -*-===//
#pragma once

#include "backends/runtime/run_stats.h"
#include "passes/partition_options.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace duet {

class Graph;
class Plan;

struct CompileOptions {
  Mode mode = Mode::Pure;
  /// Cost profile, thresholds and region size knob for the partitioner
  /// (its `mode` and `torchSupports` are filled in from `mode` and the
  /// torch backend by compile()).
  PartitionOptions partition;
  /// Optimization pipeline run before partitioning (passes.def names).
  std::string pipeline; // empty: defaultPipeline()
  /// Print the graph after this pass ("*": all) to `printSink`.
  std::string printAfter;
  std::function<void(const std::string &)> printSink;
  /// A failing torch region is an error instead of falling back to pure.
  bool strict = false;
  /// Reject graphs whose tensors would need more bytes than this at their
  /// peak, before allocating anything (backends/runtime/memory_budget.h).
  /// 0: no limit; defaultCompileOptions() applies DUET_MEMORY_LIMIT, else
  /// the physical memory.
  int64_t memoryLimitBytes = 0;
};

/// The options a plain run uses: mode from duet::currentMode(), strict from
/// DUET_STRICT, profile from DUET_PROFILE / the default location.
CompileOptions defaultCompileOptions();

/// Runs the pipeline on a copy of `g` and builds the executable plan.
/// Throws duet::Error for an invalid graph, or when `mode` asks for torch in
/// a build without it (kNoTorchMessage).
std::shared_ptr<Plan> compile(const Graph &g, const CompileOptions &opts);

} // namespace duet
