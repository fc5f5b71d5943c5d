//===- passes/grad_rules_elementwise.cpp - gradients of elementwise ops ---===//
//
// The formulas are PyTorch's (tools/autograd/derivatives.yaml), including
// its choices at the kinks: relu'(0) = 0, abs'(0) = 0, clamp passes the
// gradient where min <= x <= max, maximum/minimum split it evenly on ties.
// Binary ops broadcast, so each operand's gradient is summed back to the
// operand's shape.
//
#include "passes/grad_rules.h"

namespace duet::grad {

namespace {

using Needs = std::vector<bool>;

Node *x0(Node *n) { return n->input(0); }

} // namespace

Grads negGrad(GradBuilder &b, Node *, Node *g, const Needs &) { return {b.neg(g)}; }

Grads absGrad(GradBuilder &b, Node *n, Node *g, const Needs &) {
  Node *x = x0(n);
  Node *zero = b.scalar(0, x->dtype());
  Node *sign = b.sub(b.mask(b.op(OpKind::Gt, {x, zero}), x->dtype()),
                     b.mask(b.op(OpKind::Lt, {x, zero}), x->dtype()));
  return {b.mul(g, sign)};
}

Grads expGrad(GradBuilder &b, Node *n, Node *g, const Needs &) { return {b.mul(g, n)}; }

Grads logGrad(GradBuilder &b, Node *n, Node *g, const Needs &) { return {b.div(g, x0(n))}; }

Grads sqrtGrad(GradBuilder &b, Node *n, Node *g, const Needs &) {
  return {b.div(g, b.scale(n, 2.0))};
}

// d rsqrt(x) = -x^(-3/2) / 2 = -y^3 / 2.
Grads rsqrtGrad(GradBuilder &b, Node *n, Node *g, const Needs &) {
  return {b.mul(b.scale(g, -0.5), b.mul(b.mul(n, n), n))};
}

Grads tanhGrad(GradBuilder &b, Node *n, Node *g, const Needs &) {
  return {b.mul(g, b.sub(b.scalar(1, n->dtype()), b.mul(n, n)))};
}

Grads sigmoidGrad(GradBuilder &b, Node *n, Node *g, const Needs &) {
  return {b.mul(b.mul(g, b.sub(b.scalar(1, n->dtype()), n)), n)};
}

Grads reluGrad(GradBuilder &b, Node *n, Node *g, const Needs &) {
  Node *zero = b.scalar(0, n->dtype());
  return {b.where(b.op(OpKind::Gt, {n, zero}), g, zero)};
}

Grads geluGrad(GradBuilder &b, Node *n, Node *g, const Needs &) {
  return {b.op(OpKind::GeluGrad, {g, x0(n)})};
}

Grads leakyReluGrad(GradBuilder &b, Node *n, Node *g, const Needs &) {
  Node *x = x0(n);
  double slope = n->attrs().getFloat("slope", 0.01);
  return {b.where(b.op(OpKind::Gt, {x, b.scalar(0, x->dtype())}), g, b.scale(g, slope))};
}

Grads clampGrad(GradBuilder &b, Node *n, Node *g, const Needs &) {
  Node *x = x0(n), *r = g;
  Node *zero = b.scalar(0, x->dtype());
  if (n->attrs().has("max"))
    r = b.where(b.op(OpKind::Le, {x, b.scalar(n->attrs().getFloat("max"), x->dtype())}), r, zero);
  if (n->attrs().has("min"))
    r = b.where(b.op(OpKind::Ge, {x, b.scalar(n->attrs().getFloat("min"), x->dtype())}), r, zero);
  return {r};
}

// Only float -> float casts carry a gradient (the driver never asks for
// one through an integer or bool value).
Grads castGrad(GradBuilder &b, Node *n, Node *g, const Needs &) {
  if (!isFloating(x0(n)->dtype()) || !isFloating(n->dtype()))
    return {nullptr};
  return {b.cast(g, x0(n)->dtype())};
}

Grads identityGrad(GradBuilder &, Node *, Node *g, const Needs &) { return {g}; }

Grads addGrad(GradBuilder &b, Node *n, Node *g, const Needs &need) {
  return {need[0] ? b.sumToShape(g, n->input(0)->shape()) : nullptr,
          need[1] ? b.sumToShape(g, n->input(1)->shape()) : nullptr};
}

Grads subGrad(GradBuilder &b, Node *n, Node *g, const Needs &need) {
  return {need[0] ? b.sumToShape(g, n->input(0)->shape()) : nullptr,
          need[1] ? b.sumToShape(b.neg(g), n->input(1)->shape()) : nullptr};
}

Grads mulGrad(GradBuilder &b, Node *n, Node *g, const Needs &need) {
  Node *x = n->input(0), *y = n->input(1);
  return {need[0] ? b.sumToShape(b.mul(g, y), x->shape()) : nullptr,
          need[1] ? b.sumToShape(b.mul(g, x), y->shape()) : nullptr};
}

// d(a/b)/db = -g * (a/b) / b.
Grads divGrad(GradBuilder &b, Node *n, Node *g, const Needs &need) {
  Node *x = n->input(0), *y = n->input(1);
  return {need[0] ? b.sumToShape(b.div(g, y), x->shape()) : nullptr,
          need[1] ? b.sumToShape(b.div(b.mul(b.neg(g), n), y), y->shape()) : nullptr};
}

// torch: d/da = 0 where b == 0, else g*b*a^(b-1); d/db = 0 where a == 0 and
// b >= 0, else g * a^b * log(a).
Grads powGrad(GradBuilder &b, Node *n, Node *g, const Needs &need) {
  Node *x = n->input(0), *y = n->input(1);
  DType t = n->dtype();
  Node *zero = b.scalar(0, t);
  Grads r(2, nullptr);
  if (need[0]) {
    Node *d = b.mul(b.mul(g, y), b.op(OpKind::Pow, {x, b.sub(y, b.scalar(1, t))}));
    r[0] = b.sumToShape(b.where(b.op(OpKind::Eq, {y, zero}), zero, d), x->shape());
  }
  if (need[1]) {
    Node *d = b.mul(g, b.mul(n, b.op(OpKind::Log, {x})));
    Node *inner = b.where(b.op(OpKind::Ge, {y, zero}), zero, d);
    r[1] = b.sumToShape(b.where(b.op(OpKind::Eq, {x, zero}), inner, d), y->shape());
  }
  return r;
}

namespace {

/// maximum (isMax) or minimum: the operand that won gets the gradient, a
/// tie halves it. `loses(a, b)` is a < b for maximum.
Grads extremumGrad(GradBuilder &b, Node *n, Node *g, const Needs &need, bool isMax) {
  Node *x = n->input(0), *y = n->input(1);
  Node *zero = b.scalar(0, n->dtype());
  Node *tie = b.op(OpKind::Eq, {x, y});
  Node *shared = b.where(tie, b.scale(g, 0.5), g);
  OpKind xLoses = isMax ? OpKind::Lt : OpKind::Gt, yLoses = isMax ? OpKind::Gt : OpKind::Lt;
  return {need[0] ? b.sumToShape(b.where(b.op(xLoses, {x, y}), zero, shared), x->shape()) : nullptr,
          need[1] ? b.sumToShape(b.where(b.op(yLoses, {x, y}), zero, shared), y->shape())
                  : nullptr};
}

} // namespace

Grads maximumGrad(GradBuilder &b, Node *n, Node *g, const Needs &need) {
  return extremumGrad(b, n, g, need, true);
}

Grads minimumGrad(GradBuilder &b, Node *n, Node *g, const Needs &need) {
  return extremumGrad(b, n, g, need, false);
}

Grads whereGrad(GradBuilder &b, Node *n, Node *g, const Needs &need) {
  Node *c = n->input(0), *x = n->input(1), *y = n->input(2);
  Node *zero = b.scalar(0, n->dtype());
  return {nullptr, need[1] ? b.sumToShape(b.where(c, g, zero), x->shape()) : nullptr,
          need[2] ? b.sumToShape(b.where(c, zero, g), y->shape()) : nullptr};
}

} // namespace duet::grad
