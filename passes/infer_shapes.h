//===- passes/infer_shapes.h - "infer-shapes" -------------------*- C++ -*-===//
#pragma once

#include "passes/pass.h"

namespace duet {

/// "infer-shapes": recomputes the result type (dtype + shape) of every
/// non-source node from its operands' types and its attributes, in graph
/// order, with the op registry's rules (checkAndInferType).
/// Pre: operands precede users (topological order); source types are given.
/// Post: every node's type is the one its op infers. Changed iff some type
/// changed. An op whose rule rejects its operands throws duet::Error naming
/// the node, e.g. `%3 (matmul): ...`.
class InferShapesPass : public Pass {
public:
  std::string_view name() const override { return "infer-shapes"; }
  bool run(Graph &g) override;
};

} // namespace duet
