//===- passes/grad_rules_nn.cpp - gradients: conv, pooling, normalization -===//
//
// Convolution and pooling backward are gradient ops of their own (docs/ops.md,
// "Gradient ops"); the normalizations are expressed with elementwise ops and
// reductions. batch_norm is the inference form: its statistics are operands,
// and get gradients too (a training-mode layer that computes them from the
// batch then differentiates through that computation).
//
#include "passes/grad_rules.h"

namespace duet::grad {

namespace {

using Needs = std::vector<bool>;

/// `from`'s attributes named in `names` (those present).
Attributes copyAttrs(const Node &from, std::initializer_list<const char *> names) {
  Attributes a;
  for (const char *name : names)
    if (const AttrValue *v = from.attrs().find(name))
      a.set(name, *v);
  return a;
}

std::vector<int64_t> spatialSize(const Node &x) { return {x.shape()[2], x.shape()[3]}; }

} // namespace

Grads conv2dGrad(GradBuilder &b, Node *n, Node *g, const Needs &need) {
  Node *x = n->input(0), *w = n->input(1);
  Grads r(n->numInputs(), nullptr);
  if (need[0]) {
    Attributes a = copyAttrs(*n, {"stride", "padding", "dilation", "groups"});
    a.set("input_size", spatialSize(*x));
    r[0] = b.op(OpKind::Conv2dGradInput, {g, w}, std::move(a));
  }
  if (need[1]) {
    Attributes a = copyAttrs(*n, {"stride", "padding", "dilation", "groups"});
    a.set("kernel_size", spatialSize(*w));
    r[1] = b.op(OpKind::Conv2dGradWeight, {g, x}, std::move(a));
  }
  if (n->numInputs() == 3 && need[2])
    r[2] = b.sum(g, {0, 2, 3}, false);
  return r;
}

Grads maxPool2dGrad(GradBuilder &b, Node *n, Node *g, const Needs &) {
  return {b.op(OpKind::MaxPool2dGrad, {g, n->input(0)}, n->attrs())};
}

Grads avgPool2dGrad(GradBuilder &b, Node *n, Node *g, const Needs &) {
  Attributes a = n->attrs();
  a.set("input_size", spatialSize(*n->input(0)));
  return {b.op(OpKind::AvgPool2dGrad, {g}, std::move(a))};
}

Grads adaptiveAvgPool2dGrad(GradBuilder &b, Node *n, Node *g, const Needs &) {
  Attributes a;
  a.set("input_size", spatialSize(*n->input(0)));
  return {b.op(OpKind::AdaptiveAvgPool2dGrad, {g}, std::move(a))};
}

// y = (x - mean) * rstd * weight + bias, rstd = (var + eps)^-1/2, per
// channel (axis 1).
Grads batchNormGrad(GradBuilder &b, Node *n, Node *g, const Needs &need) {
  Node *x = n->input(0), *mean = n->input(1), *var = n->input(2), *w = n->input(3);
  const Shape &xs = x->shape();
  const DType t = x->dtype();
  Shape channel(xs.size(), 1);
  channel[1] = xs[1];
  std::vector<int64_t> others;
  for (int64_t d = 0; d < static_cast<int64_t>(xs.size()); ++d)
    if (d != 1)
      others.push_back(d);
  auto perChannel = [&](Node *v) { return b.reshape(v, channel); };
  auto channelSum = [&](Node *v) { return b.sum(v, others, false); };
  Node *rstd = b.op(OpKind::Rsqrt, {b.add(var, b.scalar(n->attrs().getFloat("eps", 1e-5), t))});
  Node *centered = b.sub(x, perChannel(mean));
  Grads r(5, nullptr);
  Node *gSum = need[1] || need[4] ? channelSum(g) : nullptr;
  Node *gxSum = need[2] || need[3] ? channelSum(b.mul(g, centered)) : nullptr;
  if (need[0])
    r[0] = b.mul(g, perChannel(b.mul(w, rstd)));
  if (need[1])
    r[1] = b.neg(b.mul(gSum, b.mul(w, rstd)));
  if (need[2]) // d rstd / d var = -rstd^3 / 2
    r[2] = b.mul(b.mul(gxSum, w), b.scale(b.mul(b.mul(rstd, rstd), rstd), -0.5));
  if (need[3])
    r[3] = b.mul(gxSum, rstd);
  if (need[4])
    r[4] = gSum;
  return r;
}

// Over the trailing rank(weight) axes: xhat = (x - mu) * rstd and
// dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)).
Grads layerNormGrad(GradBuilder &b, Node *n, Node *g, const Needs &need) {
  Node *x = n->input(0), *w = n->input(1);
  const int64_t rank = static_cast<int64_t>(x->shape().size());
  const int64_t k = static_cast<int64_t>(w->shape().size());
  const DType t = x->dtype();
  std::vector<int64_t> axes;
  for (int64_t d = rank - k; d < rank; ++d)
    axes.push_back(d);
  Node *centered = b.sub(x, b.mean(x, axes, true));
  Node *var = b.mean(b.mul(centered, centered), axes, true);
  Node *rstd = b.op(OpKind::Rsqrt, {b.add(var, b.scalar(n->attrs().getFloat("eps", 1e-5), t))});
  Node *xhat = b.mul(centered, rstd);
  Grads r(3, nullptr);
  if (need[0]) {
    Node *dxhat = b.mul(g, w);
    Node *inner = b.sub(b.sub(dxhat, b.mean(dxhat, axes, true)),
                        b.mul(xhat, b.mean(b.mul(dxhat, xhat), axes, true)));
    r[0] = b.mul(rstd, inner);
  }
  if (need[1])
    r[1] = b.sumToShape(b.mul(g, xhat), w->shape());
  if (need[2])
    r[2] = b.sumToShape(g, w->shape());
  return r;
}

} // namespace duet::grad
