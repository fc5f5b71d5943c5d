//===- passes/cost_fit.cpp - fitting the cost model to timings ------------===//
#include "passes/cost_fit.h"

#include "ir/error.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <optional>

namespace duet {

namespace {

/// Solves the normal equations of the columns in `mask` (Gaussian
/// elimination, partial pivoting); nullopt when they are (nearly) singular.
std::optional<std::vector<double>> solveSubset(const std::vector<std::vector<double>> &x,
                                               std::span<const double> y, std::span<const double> w,
                                               unsigned mask, size_t k) {
  std::vector<size_t> cols;
  for (size_t j = 0; j < k; ++j)
    if (mask & (1u << j))
      cols.push_back(j);
  const size_t m = cols.size();
  std::vector<std::vector<double>> a(m, std::vector<double>(m + 1, 0.0));
  for (size_t i = 0; i < x.size(); ++i)
    for (size_t r = 0; r < m; ++r) {
      for (size_t c = 0; c < m; ++c)
        a[r][c] += w[i] * x[i][cols[r]] * x[i][cols[c]];
      a[r][m] += w[i] * x[i][cols[r]] * y[i];
    }
  double scale = 0;
  for (size_t r = 0; r < m; ++r)
    scale = std::max(scale, std::fabs(a[r][r]));
  if (scale == 0)
    return std::nullopt;
  for (size_t c = 0; c < m; ++c) {
    size_t pivot = c;
    for (size_t r = c + 1; r < m; ++r)
      if (std::fabs(a[r][c]) > std::fabs(a[pivot][c]))
        pivot = r;
    if (std::fabs(a[pivot][c]) < 1e-10 * scale)
      return std::nullopt; // collinear columns: a smaller support fits as well
    std::swap(a[c], a[pivot]);
    for (size_t r = 0; r < m; ++r) {
      if (r == c)
        continue;
      double f = a[r][c] / a[c][c];
      for (size_t cc = c; cc <= m; ++cc)
        a[r][cc] -= f * a[c][cc];
    }
  }
  std::vector<double> coef(k, 0.0);
  for (size_t r = 0; r < m; ++r)
    coef[cols[r]] = a[r][m] / a[r][r];
  return coef;
}

double weightedSse(const std::vector<std::vector<double>> &x, std::span<const double> y,
                   std::span<const double> w, const std::vector<double> &c) {
  double sse = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    double pred = 0;
    for (size_t j = 0; j < c.size(); ++j)
      pred += x[i][j] * c[j];
    sse += w[i] * (pred - y[i]) * (pred - y[i]);
  }
  return sse;
}

} // namespace

std::vector<double> nonNegativeLeastSquares(const std::vector<std::vector<double>> &rows,
                                            std::span<const double> y,
                                            std::span<const double> weights) {
  if (rows.size() != y.size() || rows.size() != weights.size())
    throw Error(fmt::format("nonNegativeLeastSquares: {} rows, {} targets, {} weights", rows.size(),
                            y.size(), weights.size()));
  if (rows.empty())
    return {};
  const size_t k = rows.front().size();
  if (k > 8)
    throw Error(fmt::format("nonNegativeLeastSquares: {} unknowns (at most 8)", k));
  // Scale columns to a maximum of 1: flops (1e9) and a constant (1) side by side.
  std::vector<double> colScale(k, 0.0);
  for (const auto &r : rows) {
    if (r.size() != k)
      throw Error("nonNegativeLeastSquares: rows of different lengths");
    for (size_t j = 0; j < k; ++j)
      colScale[j] = std::max(colScale[j], std::fabs(r[j]));
  }
  std::vector<std::vector<double>> x = rows;
  for (auto &r : x)
    for (size_t j = 0; j < k; ++j)
      r[j] = colScale[j] > 0 ? r[j] / colScale[j] : 0.0;

  std::vector<double> best(k, 0.0);
  double bestSse = weightedSse(x, y, weights, best);
  int bestTerms = 0;
  for (unsigned mask = 1; mask < (1u << k); ++mask) {
    auto coef = solveSubset(x, y, weights, mask, k);
    if (!coef || std::any_of(coef->begin(), coef->end(), [](double c) { return c < 0; }))
      continue;
    double sse = weightedSse(x, y, weights, *coef);
    int terms = std::popcount(mask);
    // A larger support must fit clearly better to be preferred.
    double tolerance = 1e-9 * std::max(bestSse, std::numeric_limits<double>::min());
    if (sse < bestSse - tolerance || (std::fabs(sse - bestSse) <= tolerance && terms < bestTerms)) {
      best = *coef;
      bestSse = sse;
      bestTerms = terms;
    }
  }
  for (size_t j = 0; j < k; ++j)
    best[j] = colScale[j] > 0 ? best[j] / colScale[j] : 0.0;
  return best;
}

static double denominator(double seconds) { return std::max(seconds, kFitFloorSeconds); }

OpFit fitOpCost(std::span<const TimingSample> samples) {
  OpFit fit;
  fit.points = static_cast<int>(samples.size());
  if (samples.empty())
    return fit;
  std::vector<std::vector<double>> rows;
  std::vector<double> y, w;
  for (const TimingSample &s : samples) {
    rows.push_back({1.0, s.flops, s.bytes});
    y.push_back(s.seconds);
    double d = denominator(s.seconds);
    w.push_back(1.0 / (d * d));
  }
  std::vector<double> c = nonNegativeLeastSquares(rows, y, w);
  fit.cost = {c[0], c[1], c[2]};
  fit.relRmsError = relativeRmsError(fit.cost, samples);
  return fit;
}

double relativeRmsError(const OpCost &cost, std::span<const TimingSample> samples) {
  if (samples.empty())
    return 0;
  double sum = 0;
  for (const TimingSample &s : samples) {
    double pred = cost.overheadS + s.flops * cost.secPerFlop + s.bytes * cost.secPerByte;
    double e = (pred - s.seconds) / denominator(s.seconds);
    sum += e * e;
  }
  return std::sqrt(sum / static_cast<double>(samples.size()));
}

} // namespace duet
