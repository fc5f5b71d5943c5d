//===- backends/runtime/tuner.h - measuring the cost model ------*- C++ -*-===//
//
// What `duet tune` does: runs every op's single-node graphs (passes/
// op_sweep.h) as real plans on both backends over a sweep of sizes, and the
// conversion path (a torch region that only converts values in and out) over
// value counts and sizes; takes the plan's fixed per-run cost out of every
// time, and the region launch and conversions out of torch times, so what is
// left is the op itself; then fits the cost model's terms (passes/
// cost_fit.h) and returns a profile describing the machine it measured.
//
#pragma once

#include "ir/graph.h"
#include "passes/cost_fit.h"
#include "passes/cost_profile.h"
#include "passes/op_sweep.h"

#include <functional>
#include <string>
#include <vector>

namespace duet {

struct TuneProgress {
  size_t done = 0, total = 0;
  std::string what;      // "matmul torch n=256"
  double elapsedS = 0;   // since tune() began
  double remainingS = 0; // estimate
};

struct TuneOptions {
  std::vector<OpKind> ops; // empty: tunableOps()
  bool quick = false;
  int threads = 0; // torch (and OpenBLAS) threads while measuring; 0: as they are
  /// Measuring time per point; 0: 40 ms quick, 100 ms full.
  double pointSeconds = 0;
  /// Runs longer than this are measured once and end the op's sweep on that
  /// backend (a 1024^3 GEMM on reference BLAS); 0: 50 ms quick, 400 ms full.
  double longRunSeconds = 0;
  /// Keep only the first N sweep points per op (tests); 0: all.
  int maxPointsPerOp = 0;
  std::function<void(const TuneProgress &)> progress;
};

/// One measured point.
struct TuneSample {
  OpKind op = OpKind::Add;
  Backend backend = Backend::Pure;
  SweepPoint point;
  TimingSample timing;    // the op alone
  double planSeconds = 0; // the whole single-op plan, as measured
};

struct TuneResult {
  CostProfile profile;
  std::vector<TuneSample> samples;
  std::vector<std::string> warnings; // points that could not be measured
  double seconds = 0;
};

/// Measures and fits. Without a torch backend only the pure terms are
/// measured (torch terms and conversions keep the defaults). Throws
/// duet::Error for invalid options (threads < 0).
TuneResult tune(const TuneOptions &opts);

/// "n=256", "numel=1048576 (bias)", "h=28 (3->16)": a sweep point for humans.
std::string describePoint(OpKind op, const SweepPoint &p);

} // namespace duet
