//===- backends/pure/math.h - vectorized formulas shared by kernels -*- C++ -*-===//
//
// Internal to the pure interpreter: the elementwise formulas that are more
// than one Eigen call, written once so the node-by-node kernels
// (unary.cpp) and the fused kernel (fused.cpp) compute the same values.
// Every one is an Eigen array expression, so it vectorizes.
//
#pragma once

#include "backends/pure/eigen.h"

#include "backends/pure/unary_constants.h"

#include <unsupported/Eigen/SpecialFunctions>

#include <cmath>
#include <limits>

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

/// y = op(x) for a float unary op, false for any other op: the formulas of
/// the node-by-node kernel (unary.cpp) and the fused step loop (fused.cpp).
/// Eigen's max(x, c) / min(x, c) are (x < c ? c : x) / (c < x ? c : x) on
/// every target, so relu and clamp let NaN and -0 through as torch does
/// (the tile code, fused_tiles.cpp, uses the same packet ops).
template <class X, class Y>
bool floatUnaryInto(OpKind op, const UnaryConstants &c, const X &x, Y &y) {
  using T = typename X::Scalar;
  switch (op) {
  case OpKind::Neg: y = -x; return true;
  case OpKind::Abs: y = x.abs(); return true;
  case OpKind::Exp: y = x.exp(); return true;
  case OpKind::Log: y = x.log(); return true;
  case OpKind::Sqrt: y = x.sqrt(); return true;
  case OpKind::Rsqrt: y = x.sqrt().inverse(); return true;
  case OpKind::Tanh: y = x.tanh(); return true;
  case OpKind::Sigmoid: y = sigmoidOf(x); return true;
  case OpKind::Relu: y = x.max(T(0)); return true;
  case OpKind::Gelu: y = geluOf(x); return true;
  case OpKind::LeakyRelu: y = (x > T(0)).select(x, x * static_cast<T>(c.slope)); return true;
  case OpKind::Clamp: {
    const T inf = std::numeric_limits<T>::infinity();
    const T lo = c.hasLo ? static_cast<T>(c.lo) : -inf, hi = c.hasHi ? static_cast<T>(c.hi) : inf;
    if (std::isnan(lo) || std::isnan(hi))
      y.setConstant(std::numeric_limits<T>::quiet_NaN());
    else
      y = x.max(lo).min(hi);
    return true;
  }
  default: return false;
  }
}

} // namespace duet::pure
