//===- passes/grad_rules_reduce.cpp - gradients: contractions, reductions ---===//
#include "passes/grad_rules.h"

namespace duet::grad {

namespace {

using Needs = std::vector<bool>;

/// Swaps the last two axes.
Node *transposeLast(GradBuilder &b, Node *x) {
  int64_t r = static_cast<int64_t>(x->shape().size());
  return b.transpose(x, r - 2, r - 1);
}

/// The incoming gradient of a reduction brought back to the input's shape.
Node *expandReduced(GradBuilder &b, Node *n, Node *g) {
  Node *x = n->input(0);
  std::vector<int64_t> axes = reductionAxes(*n, static_cast<int64_t>(x->shape().size()));
  return b.broadcastTo(b.reshape(g, keepdimShape(x->shape(), axes)), x->shape());
}

int64_t softmaxAxis(const Node &n) {
  return normalizeAxis(n.attrs().getInt("axis", -1),
                       std::max<int64_t>(static_cast<int64_t>(n.shape().size()), 1));
}

} // namespace

// Batch dims broadcast, so each product is summed back to its operand.
Grads matmulGrad(GradBuilder &b, Node *n, Node *g, const Needs &need) {
  Node *x = n->input(0), *y = n->input(1);
  return {
      need[0] ? b.sumToShape(b.op(OpKind::Matmul, {g, transposeLast(b, y)}), x->shape()) : nullptr,
      need[1] ? b.sumToShape(b.op(OpKind::Matmul, {transposeLast(b, x), g}), y->shape()) : nullptr};
}

// y = x w^T + b over rows of x flattened to [M, K].
Grads linearGrad(GradBuilder &b, Node *n, Node *g, const Needs &need) {
  Node *x = n->input(0), *w = n->input(1);
  const int64_t outF = w->shape()[0], inF = w->shape()[1];
  int64_t rows = 1; // the product of x's leading dims
  for (size_t i = 0; i + 1 < x->shape().size(); ++i)
    rows *= x->shape()[i];
  Node *g2 = b.reshape(g, {rows, outF});
  Grads r(n->numInputs(), nullptr);
  if (need[0])
    r[0] = b.reshape(b.op(OpKind::Matmul, {g2, w}), x->shape());
  if (need[1])
    r[1] = b.op(OpKind::Matmul, {b.transpose(g2, 0, 1), b.reshape(x, {rows, inF})});
  if (n->numInputs() == 3 && need[2])
    r[2] = b.sum(g2, {0}, false);
  return r;
}

Grads sumGrad(GradBuilder &b, Node *n, Node *g, const Needs &) { return {expandReduced(b, n, g)}; }

Grads meanGrad(GradBuilder &b, Node *n, Node *g, const Needs &) {
  const Shape &xs = n->input(0)->shape();
  int64_t count = 1;
  for (int64_t a : reductionAxes(*n, static_cast<int64_t>(xs.size())))
    if (a < static_cast<int64_t>(xs.size()))
      count *= xs[static_cast<size_t>(a)];
  return {b.div(expandReduced(b, n, g), b.scalar(static_cast<double>(count), n->dtype()))};
}

// amax/amin: the gradient is shared evenly by every element equal to the
// result (torch's rule for ties).
Grads maxMinGrad(GradBuilder &b, Node *n, Node *g, const Needs &) {
  Node *x = n->input(0);
  const Shape &xs = x->shape();
  std::vector<int64_t> axes = reductionAxes(*n, static_cast<int64_t>(xs.size()));
  Shape kept = keepdimShape(xs, axes);
  Node *hit = b.mask(b.op(OpKind::Eq, {x, b.reshape(n, kept)}), x->dtype());
  Node *count = xs.empty() ? hit : b.sum(hit, axes, true);
  return {b.mul(b.div(b.reshape(g, kept), count), hit)};
}

// dx = y * (g - sum(g * y)).
Grads softmaxGrad(GradBuilder &b, Node *n, Node *g, const Needs &) {
  if (n->shape().empty())
    return {b.zeros(n->type())}; // softmax of a scalar is the constant 1
  Node *dot = b.sum(b.mul(g, n), {softmaxAxis(*n)}, true);
  return {b.mul(b.sub(g, dot), n)};
}

// dx = g - exp(y) * sum(g).
Grads logSoftmaxGrad(GradBuilder &b, Node *n, Node *g, const Needs &) {
  if (n->shape().empty())
    return {b.zeros(n->type())};
  Node *total = b.sum(g, {softmaxAxis(*n)}, true);
  return {b.sub(g, b.mul(b.op(OpKind::Exp, {n}), total))};
}

} // namespace duet::grad
