//===- passes/cost_fit.h - fitting the cost model to timings ----*- C++ -*-===//
//
// `duet tune` measures each op at many sizes and fits the linear model of
// passes/cost_profile.h, time = overhead + flops * a + bytes * b, with every
// term non-negative (a negative per-byte cost would make big tensors look
// free). The fit minimizes relative error: a 1 us op and a 100 ms op weigh
// the same, so small and large sizes are both predicted well.
//
#pragma once

#include "passes/cost_profile.h"

#include <span>
#include <vector>

namespace duet {

/// Non-negative weighted least squares: the c >= 0 minimizing
/// sum_i weights[i] * (rows[i] . c - y[i])^2. Exact for the few unknowns the
/// cost model has: tries every support set (2^k of them, k <= 8) and keeps
/// the best feasible one, preferring fewer terms on ties, so collinear
/// columns (flops and bytes both proportional to numel) give a sparse, stable
/// answer. Columns are rescaled internally. Throws duet::Error on ragged
/// input or k > 8.
std::vector<double> nonNegativeLeastSquares(const std::vector<std::vector<double>> &rows,
                                            std::span<const double> y,
                                            std::span<const double> weights);

/// One measurement of one op on one backend.
struct TimingSample {
  double flops = 0, bytes = 0;
  double seconds = 0; // of the op alone (plan overhead and conversions taken out)
};

/// Relative errors are taken against max(seconds, kFitFloorSeconds): below a
/// microsecond, errors count in absolute terms. Such ops are far from any
/// crossover (torch's dispatch alone costs about that much) and are where
/// timing noise is largest.
inline constexpr double kFitFloorSeconds = 1e-6;

struct OpFit {
  OpCost cost;
  double relRmsError = 0; // sqrt(mean(((predicted - measured) / measured)^2))
  int points = 0;
};

/// Fits overhead + flops * a + bytes * b to the samples (relative error).
/// No samples: zero cost, zero points.
OpFit fitOpCost(std::span<const TimingSample> samples);

/// The relative RMS error of `cost` on `samples`.
double relativeRmsError(const OpCost &cost, std::span<const TimingSample> samples);

} // namespace duet
