//===- passes/grad_rules_index.cpp - gradients: indexing and losses -------===//
//
// Indices and targets are integers and get no gradient. Gathering reads are
// reversed by scatter_add into zeros, which adds the gradients of repeated
// indices together.
//
#include "passes/grad_rules.h"

namespace duet::grad {

namespace {

using Needs = std::vector<bool>;

int64_t axisOf(const Node &n, int64_t rank) {
  return normalizeAxis(n.attrs().getInt("axis", 0), std::max<int64_t>(rank, 1));
}

Node *scatterAdd(GradBuilder &b, Node *base, Node *index, Node *src, int64_t axis) {
  Attributes a;
  a.set("axis", axis);
  return b.op(OpKind::ScatterAdd, {base, index, src}, std::move(a));
}

} // namespace

// weight[V,D]: row indices[m] of the result came from weight row
// indices[m], so dweight = scatter_add(0, rows, g) along axis 0 with the
// index broadcast across D.
Grads embeddingGrad(GradBuilder &b, Node *n, Node *g, const Needs &) {
  Node *indices = n->input(0), *w = n->input(1);
  const int64_t rows = indices->type().numel(), dim = w->shape()[1];
  Node *index = b.broadcastTo(b.reshape(indices, {rows, 1}), {rows, dim});
  return {nullptr, scatterAdd(b, b.zeros(w->type()), index, b.reshape(g, {rows, dim}), 0)};
}

Grads gatherGrad(GradBuilder &b, Node *n, Node *g, const Needs &) {
  Node *x = n->input(0);
  return {scatterAdd(b, b.zeros(x->type()), n->input(1), g, axisOf(*n, x->type().rank())), nullptr};
}

// d base = g; d src = g read back at the scattered positions (zero where
// src extends beyond the index).
Grads scatterAddGrad(GradBuilder &b, Node *n, Node *g, const Needs &need) {
  Node *src = n->input(2);
  Grads r(3, nullptr);
  r[0] = need[0] ? g : nullptr;
  if (need[2]) {
    Attributes a;
    a.set("axis", axisOf(*n, n->type().rank()));
    r[2] = b.padTo(b.op(OpKind::Gather, {g, n->input(1)}, std::move(a)), src->shape());
  }
  return r;
}

// mean((a-b)^2): da = g * 2 (a-b) / numel, db = -da.
Grads mseLossGrad(GradBuilder &b, Node *n, Node *g, const Needs &need) {
  Node *x = n->input(0), *y = n->input(1);
  double norm = 2.0 / static_cast<double>(x->type().numel());
  Node *da = b.mul(b.scale(b.sub(x, y), norm), g);
  return {need[0] ? da : nullptr, need[1] ? b.neg(da) : nullptr};
}

// mean over N of -log_softmax(logits)[n, t[n]]: dlogits = (softmax(logits)
// - onehot(t)) * g / N.
Grads crossEntropyGrad(GradBuilder &b, Node *n, Node *g, const Needs &) {
  Node *logits = n->input(0), *target = n->input(1);
  const int64_t rows = logits->shape()[0], classes = logits->shape()[1];
  const DType t = logits->dtype();
  Attributes axis;
  axis.set("axis", int64_t{1});
  Node *probs = b.op(OpKind::Softmax, {logits}, std::move(axis));
  std::vector<double> iota;
  for (int64_t c = 0; c < classes; ++c)
    iota.push_back(static_cast<double>(c));
  Node *classIds =
      b.constant({DType::I64, {1, classes}}, iota.empty() ? std::vector<double>{0} : iota);
  Node *onehot = b.mask(b.op(OpKind::Eq, {b.reshape(target, {rows, 1}), classIds}), t);
  Node *scale = b.div(g, b.scalar(static_cast<double>(rows), t));
  return {b.mul(b.sub(probs, onehot), scale), nullptr};
}

} // namespace duet::grad
