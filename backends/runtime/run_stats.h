//===- backends/runtime/run_stats.h - what a run did ------------*- C++ -*-===//
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace duet {

/// Time of one step of a plan (a pure node or a torch region).
struct StepTiming {
  std::string label;   // "%3 matmul" or "region 0 (5 nodes)"
  std::string backend; // "pure" / "torch" / "pure (fallback)"
  double estimatedSeconds = 0; // from the cost model, 0 when unknown
  double measuredSeconds = 0;  // last run
  double startSeconds = 0;     // last run: when the step began, since the run began
  int64_t conversions = 0;     // last run: values converted by this step (torch regions)
  int64_t convertedBytes = 0;  // last run: bytes of those conversions
};

struct RunStats {
  int64_t pureNodes = 0, torchNodes = 0; // compute nodes (no sources, no conversions)
  int64_t regions = 0;
  int64_t conversions = 0;      // to_torch / from_torch executed
  int64_t zeroCopyBytes = 0;    // converted without copying
  int64_t copiedBytes = 0;      // converted with a copy
  int64_t fallbacks = 0;        // torch regions re-run on pure
  int64_t planCacheHits = 0, planCacheMisses = 0;
  int64_t arenaBytes = 0;       // the plan's arena (memory_plan.h): peak of planned values
  double totalSeconds = 0;      // last run, wall time (0 before the first run)
  std::vector<StepTiming> steps;
  /// Human-readable table (what `duet run --stats` prints).
  std::string format() const;
};

} // namespace duet
