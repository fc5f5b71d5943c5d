//===- passes/constant_fold.h - "constant-fold" -----------------*- C++ -*-===//
#pragma once

#include "passes/pass.h"

#include <cstdint>

namespace duet {

/// "constant-fold": evaluates small all-constant subexpressions at compile
/// time and applies algebraic identities that are exact for every value.
///
/// Folding: a non-source node whose operands are all `constant` nodes and
/// whose result has 1..maxElements elements is run by the pure interpreter
/// and replaced by a `constant` (value = one element when all are equal,
/// else all of them; it keeps the folded node's name). Not folded: results
/// a float list cannot hold exactly (non-finite values, i64 beyond 2^53),
/// nodes whose evaluation throws (the error stays a run-time error), and
/// conversion nodes.
///
/// Identities, applied only when the result type equals the type of the
/// operand that replaces it (so broadcasting never changes a shape):
///   x*1, 1*x, x/1; x+0, 0+x, x-0 for integers; for floats x+(-0.0),
///   (-0.0)+x and x-(+0.0) only, because x+(+0.0) turns -0.0 into +0.0;
///   reshape/view of reshape/view -> one reshape; reshape/view,
///   broadcast_to, expand to the operand's own shape -> the operand;
///   transpose of the same two axes twice, permutes composing to the
///   identity, transpose(a, a) and identity permutes -> the operand.
/// The constant must be a splat (any shape that broadcasts into x).
///
/// Pre: a well-formed, shape-inferred graph. Post: values computed are
/// bit-identical; folded/simplified nodes are erased (operands they leave
/// unused remain for dce); order stays topological. Changed iff anything
/// was folded or rewritten.
class ConstantFoldPass : public Pass {
public:
  explicit ConstantFoldPass(int64_t maxElements = 4096) : maxElements_(maxElements) {}
  std::string_view name() const override { return "constant-fold"; }
  bool run(Graph &g) override;

private:
  int64_t maxElements_;
};

} // namespace duet
