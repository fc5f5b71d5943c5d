//===- backends/pure/unary_constants.h - leaky_relu / clamp attributes -*- C++ -*-===//
//
// Internal to the pure interpreter; no Eigen here, so plan headers can hold
// them (fused_plan.h) while the formulas stay in math.h.
//
#pragma once

#include "ir/attributes.h"
#include "ir/op_registry.h"

namespace duet::pure {

/// The attributes of the parameterized float unary ops.
struct UnaryConstants {
  double slope = 0.01; // leaky_relu
  bool hasLo = false, hasHi = false;
  double lo = 0, hi = 0; // clamp
  static UnaryConstants of(const Attributes &a) {
    return {a.getFloat("slope", 0.01), a.has("min"), a.has("max"), a.getFloat("min", 0.0),
            a.getFloat("max", 0.0)};
  }
  /// Whether `op` reads any of them (the others skip the attribute lookups).
  static bool usedBy(OpKind op) { return op == OpKind::LeakyRelu || op == OpKind::Clamp; }
};

} // namespace duet::pure
