//===- backends/pure/math.h - vectorized formulas shared by kernels -*- C++ -*-===//
//
// Internal to the pure interpreter: the elementwise formulas that are more
// than one Eigen call, written once so the node-by-node kernels
// (unary.cpp) and the fused kernel (fused.cpp) compute the same values.
// Every one is an Eigen array expression, so it vectorizes.
//
#pragma once

#include "backends/pure/eigen.h"

#include <unsupported/Eigen/SpecialFunctions>

namespace duet::pure {

/// 1 / (1 + exp(-x)).
template <class X> auto sigmoidOf(const X &x) {
  using T = typename X::Scalar;
  return (T(1) + (-x).exp()).inverse();
}

/// Exact GELU, 0.5 x (1 + erf(x / sqrt 2)). Eigen's f32 erf is a rational
/// approximation evaluated in SIMD registers (f64 calls std::erf). Against
/// the f64 formula the f32 result is within 4 ulp + 5e-7 max(1, |x|)
/// absolute over [-10, 10], with or without AVX (tests/pure/fused_test.cpp);
/// the absolute part comes from 1 + erf cancelling for x < -2, where
/// |gelu| < 0.05 — inside the f32 tolerance of the differential tests
/// (1e-4 relative, 1e-5 absolute).
template <class X> auto geluOf(const X &x) {
  using T = typename X::Scalar;
  const T invSqrt2 = static_cast<T>(0.70710678118654752440);
  return T(0.5) * x * (T(1) + (x * invSqrt2).erf());
}

} // namespace duet::pure
