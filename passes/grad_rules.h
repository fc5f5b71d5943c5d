//===- passes/grad_rules.h - per-op gradient rules (internal) ---*- C++ -*-===//
//
// Internal to the autodiff pass. A GradRule receives a forward node and the
// gradient of the loss with respect to its value, and returns one gradient
// per operand (nullptr where none is wanted or defined), each of exactly that
// operand's type. Rules only append nodes (through GradBuilder, which checks
// every one with the registry), so the backward graph is ordinary IR.
//
// The rules live in grad_rules_<family>.cpp; the table keyed by OpKind that
// says which rule (or which reason for having none) each op has is
// grad_registry.cpp.
//
#pragma once

#include "ir/graph.h"

#include <string_view>
#include <vector>

namespace duet::grad {

/// Appends checked nodes to the graph being differentiated, with the small
/// algebra the rules share. Helpers return their operand unchanged when the
/// operation would be an identity (reshape to the same shape, ...).
class GradBuilder {
public:
  explicit GradBuilder(Graph &g) : g_(g) {}
  Graph &graph() { return g_; }

  /// One op through Graph::addChecked.
  Node *op(OpKind k, std::vector<Node *> ins, Attributes attrs = {});
  /// A rank-0 constant (broadcasts against anything).
  Node *scalar(double value, DType t);
  /// A constant of type `t`, one value per element (or one splat value).
  Node *constant(const TensorType &t, std::vector<double> values);
  Node *zeros(const TensorType &t) { return constant(t, {0.0}); }

  Node *add(Node *a, Node *b) { return op(OpKind::Add, {a, b}); }
  Node *sub(Node *a, Node *b) { return op(OpKind::Sub, {a, b}); }
  Node *mul(Node *a, Node *b) { return op(OpKind::Mul, {a, b}); }
  Node *div(Node *a, Node *b) { return op(OpKind::Div, {a, b}); }
  Node *neg(Node *a) { return op(OpKind::Neg, {a}); }
  /// x * c for a double c (in x's dtype).
  Node *scale(Node *x, double c) { return mul(x, scalar(c, x->dtype())); }
  Node *where(Node *cond, Node *a, Node *b) { return op(OpKind::Where, {cond, a, b}); }
  /// A bool mask as 0/1 in `t`.
  Node *mask(Node *cond, DType t) { return cast(cond, t); }

  Node *cast(Node *x, DType t);
  Node *reshape(Node *x, const Shape &s);
  Node *broadcastTo(Node *x, const Shape &s);
  Node *transpose(Node *x, int64_t dim0, int64_t dim1);
  Node *sum(Node *x, std::vector<int64_t> axes, bool keepdim);
  Node *mean(Node *x, std::vector<int64_t> axes, bool keepdim);

  /// The gradient of a broadcast: sums `g` over the axes along which a
  /// value of shape `target` was broadcast to g's shape, then reshapes to
  /// `target`.
  Node *sumToShape(Node *g, const Shape &target);
  /// Zero-extends `x` at the end of each axis to `target` (each dim of x
  /// must be <= the target's).
  Node *padTo(Node *x, const Shape &target);
  /// Concatenation along `axis` of the non-null parts (one part: itself).
  Node *concat(std::vector<Node *> parts, int64_t axis);

private:
  Graph &g_;
};

using Grads = std::vector<Node *>;
/// `needs[i]`: whether operand i wants a gradient (the rule may skip the
/// others and return nullptr for them).
using GradRule = Grads (*)(GradBuilder &b, Node *n, Node *grad, const std::vector<bool> &needs);

/// What the registry says about an op: a rule, or why there is none.
struct GradEntry {
  GradRule rule = nullptr;
  std::string_view notDifferentiable; // set iff rule is null
};
GradEntry gradEntry(OpKind k);

/// Reduction axes of a `sum`-like node (attribute `axes`, [] = all),
/// normalized and sorted.
std::vector<int64_t> reductionAxes(const Node &n, int64_t rank);
/// `shape` with the given axes set to 1 (what keepdim=true produces).
Shape keepdimShape(Shape shape, const std::vector<int64_t> &axes);

// The rules, by family.
// grad_rules_elementwise.cpp
Grads negGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads absGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads expGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads logGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads sqrtGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads rsqrtGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads tanhGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads sigmoidGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads reluGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads geluGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads leakyReluGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads clampGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads castGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads addGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads subGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads mulGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads divGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads powGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads maximumGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads minimumGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads whereGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads identityGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);

// grad_rules_reduce.cpp: contractions, reductions, softmax
Grads matmulGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads linearGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads sumGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads meanGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads maxMinGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads softmaxGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads logSoftmaxGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);

// grad_rules_movement.cpp
Grads reshapeGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads transposeGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads permuteGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads broadcastGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads concatGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads sliceGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);

// grad_rules_nn.cpp: convolution, pooling, normalization
Grads conv2dGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads maxPool2dGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads avgPool2dGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads adaptiveAvgPool2dGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads batchNormGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads layerNormGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);

// grad_rules_index.cpp: indexing and losses
Grads embeddingGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads gatherGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads scatterAddGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads mseLossGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);
Grads crossEntropyGrad(GradBuilder &, Node *, Node *, const std::vector<bool> &);

} // namespace duet::grad
