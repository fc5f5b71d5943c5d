//===- backends/runtime/tune_measure.h - timing plans for tune --*- C++ -*-===//
//
// Internal to the tuner: how one plan is timed, and the plans that isolate
// the fixed per-run cost and the conversion path.
//
#pragma once

#include "backends/buffer.h"
#include "backends/runtime/plan.h"
#include "ir/graph.h"

#include <memory>
#include <vector>

namespace duet::tunedetail {

struct TimingPolicy {
  double pointSeconds = 0.1;              // measuring time per point
  double batchSeconds = 50e-6;            // runs per batch: about this long (at least one run)
  int minBatches = 5, maxBatches = 20000; // the fastest batch counts
  double longRunSeconds = 0.4;            // a first run longer than this is measured once
};

struct Timing {
  double seconds = 0;   // per-run time of the fastest batch
  bool longRun = false; // the first run exceeded longRunSeconds
};

/// Seeded inputs for tuning graphs: floats in [0.5, 1.5) (valid for log,
/// sqrt, pow), integers in [0, 8) (valid indices of every family), random bools.
std::vector<Buffer> tuneInputs(const Graph &g, uint64_t seed = 1);

/// Times plan->run(inputs): one warm-up run, then batches.
Timing timePlan(Plan &plan, const std::vector<Buffer> &inputs, const TimingPolicy &policy);

/// A graph of `k` inputs of `bytes` bytes each that returns them unchanged.
std::unique_ptr<Graph> passThroughGraph(int k, int64_t bytes);

/// A plan with one torch region that converts `k` values of `bytes` bytes in
/// and hands them back: the region launch and 2k conversions, no op.
std::shared_ptr<Plan> conversionPlan(int k, int64_t bytes);

} // namespace duet::tunedetail
