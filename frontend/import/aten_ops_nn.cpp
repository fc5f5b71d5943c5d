//===- frontend/import/aten_ops_nn.cpp - conv, pooling, norms, matmuls ----===//
#include "frontend/import/aten_ops.h"

#include "ir/error.h"

#include <fmt/format.h>

namespace duet::import {

std::vector<int64_t> pair2(std::vector<int64_t> v, const char *what) {
  if (v.size() == 1)
    return {v[0], v[0]};
  if (v.size() != 2)
    throw Error(fmt::format("{} must have 1 or 2 values, got {}", what, v.size()));
  return v;
}

namespace {

Node *fill(Converter &c, double value, DType dtype, Shape shape) {
  Attributes a;
  a.set("value", std::vector<double>{value});
  return c.graph().addNode(OpKind::Constant, {}, std::move(a), TensorType{dtype, std::move(shape)});
}

/// An optional weight/bias operand: a `value`-filled constant when None.
Node *orFilled(Converter &c, const TsValue *v, double value, const Node *x, Shape shape) {
  return c.isNone(v) ? fill(c, value, x->dtype(), std::move(shape)) : c.tensor(v);
}

/// padding='same' (stride 1) as explicit symmetric padding; 'valid' is 0.
std::vector<int64_t> stringPadding(const std::string &mode, const Node *w,
                                   const std::vector<int64_t> &dilation) {
  if (mode == "valid")
    return {0, 0};
  std::vector<int64_t> pad;
  for (int d = 0; d < 2; ++d) {
    int64_t total = dilation[d] * (w->shape()[2 + d] - 1);
    if (mode != "same" || total % 2 != 0)
      throw Error("padding='" + mode + "' needs asymmetric padding, which conv2d lacks");
    pad.push_back(total / 2);
  }
  return pad;
}

Node *conv(Converter &c, const TsNode &n, const std::vector<int64_t> &stride,
           const TsValue *padding, const std::vector<int64_t> &dilation, int64_t groups) {
  Node *x = c.tensor(n.input(0)), *w = c.tensor(n.input(1));
  if (x->type().rank() != 4)
    throw Error(fmt::format("only 2-d convolution of a batched [N,C,H,W] input is supported "
                            "(input is {})",
                            shapeToString(x->shape())));
  Attributes a;
  a.set("stride", pair2(stride, "stride"));
  a.set("padding", c.constant(padding).isString() ? stringPadding(c.s(padding), w, dilation)
                                                  : pair2(c.ints(padding), "padding"));
  a.set("dilation", pair2(dilation, "dilation"));
  a.set("groups", groups);
  NodeList in{x, w};
  if (!c.isNone(n.input(2)))
    in.push_back(c.tensor(n.input(2)));
  return c.add(OpKind::Conv2d, in, std::move(a));
}

/// conv2d(x, w, b, stride, padding, dilation, groups).
ImportValue conv2d(Converter &c, const TsNode &n) {
  return conv(c, n, c.ints(n.input(3)), n.input(4), pair2(c.ints(n.input(5)), "dilation"),
              c.i(n.input(6)));
}

/// _convolution(x, w, b, stride, padding, dilation, transposed, output_padding,
/// groups, ...): what torch.jit.trace records for nn.Conv2d.
ImportValue convolution(Converter &c, const TsNode &n) {
  if (c.b(n.input(6)))
    throw Error("transposed convolution is not supported");
  return conv(c, n, c.ints(n.input(3)), n.input(4), pair2(c.ints(n.input(5)), "dilation"),
              c.i(n.input(8)));
}

/// batch_norm(x, weight, bias, running_mean, running_var, training, momentum, eps, cudnn).
ImportValue batchNorm(Converter &c, const TsNode &n) {
  if (c.b(n.input(5)))
    throw Error("batch_norm in training mode is not supported (import an eval() module)");
  if (c.isNone(n.input(3)) || c.isNone(n.input(4)))
    throw Error("batch_norm without running statistics is not supported");
  Node *x = c.tensor(n.input(0));
  Shape channels{x->type().rank() > 1 ? x->shape()[1] : 0};
  Attributes a;
  a.set("eps", c.f(n.input(7)));
  return c.add(OpKind::BatchNorm,
               {x, c.tensor(n.input(3)), c.tensor(n.input(4)),
                orFilled(c, n.input(1), 1.0, x, channels),
                orFilled(c, n.input(2), 0.0, x, channels)},
               std::move(a));
}

/// layer_norm(x, normalized_shape, weight, bias, eps, cudnn).
ImportValue layerNorm(Converter &c, const TsNode &n) {
  Node *x = c.tensor(n.input(0));
  Shape shape = c.ints(n.input(1));
  Attributes a;
  a.set("eps", c.f(n.input(4)));
  return c.add(OpKind::LayerNorm,
               {x, orFilled(c, n.input(2), 1.0, x, shape), orFilled(c, n.input(3), 0.0, x, shape)},
               std::move(a));
}

ImportValue linear(Converter &c, const TsNode &n) {
  NodeList in{c.tensor(n.input(0)), c.tensor(n.input(1))};
  if (n.inputs().size() > 2 && !c.isNone(n.input(2)))
    in.push_back(c.tensor(n.input(2)));
  return c.add(OpKind::Linear, in);
}

Node *reshapeTo(Converter &c, Node *x, Shape shape) {
  Attributes a;
  a.set("shape", std::move(shape));
  return c.add(OpKind::Reshape, {x}, std::move(a));
}

/// torch.matmul, including a 1-d operand (made [1,K] / [K,1], then dropped).
ImportValue matmul(Converter &c, const TsNode &n) {
  Node *a = c.tensor(n.input(0)), *b = c.tensor(n.input(1));
  bool vecA = a->type().rank() == 1, vecB = b->type().rank() == 1;
  if (vecA)
    a = reshapeTo(c, a, {1, a->shape()[0]});
  if (vecB)
    b = reshapeTo(c, b, {b->shape()[0], 1});
  Node *r = c.add(OpKind::Matmul, {a, b});
  if (!vecA && !vecB)
    return r;
  Shape s(r->shape().begin(), r->shape().end() - 2);
  if (!vecA)
    s.push_back(r->shape()[r->type().rank() - 2]);
  if (!vecB)
    s.push_back(r->shape().back());
  return reshapeTo(c, r, s);
}

/// beta·self + alpha·(a @ b): addmm(self, a, b, beta, alpha) and baddbmm.
ImportValue addMatmul(Converter &c, const TsNode &n) {
  Node *prod = c.add(OpKind::Matmul, {c.tensor(n.input(1)), c.tensor(n.input(2))});
  double beta = c.f(n.input(3)), alpha = c.f(n.input(4));
  if (alpha != 1.0)
    prod = c.add(OpKind::Mul, {prod, c.scalar(alpha, prod->dtype())});
  if (beta == 0.0)
    return prod;
  Node *self = c.tensor(n.input(0));
  if (beta != 1.0)
    self = c.add(OpKind::Mul, {self, c.scalar(beta, self->dtype())});
  return c.add(OpKind::Add, {prod, self});
}

/// max_pool2d(x, kernel, stride, padding, dilation, ceil_mode).
ImportValue maxPool2d(Converter &c, const TsNode &n) {
  Attributes a;
  std::vector<int64_t> kernel = pair2(c.ints(n.input(1)), "kernel_size"),
                       stride = c.ints(n.input(2));
  a.set("kernel", kernel);
  a.set("stride", stride.empty() ? kernel : pair2(stride, "stride"));
  a.set("padding", pair2(c.ints(n.input(3)), "padding"));
  a.set("dilation", pair2(c.ints(n.input(4)), "dilation"));
  a.set("ceil_mode", c.b(n.input(5)));
  return c.add(OpKind::MaxPool2d, {c.tensor(n.input(0))}, std::move(a));
}

/// avg_pool2d(x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override).
ImportValue avgPool2d(Converter &c, const TsNode &n) {
  if (n.inputs().size() > 6 && !c.isNone(n.input(6)))
    throw Error("avg_pool2d divisor_override is not supported");
  Attributes a;
  std::vector<int64_t> kernel = pair2(c.ints(n.input(1)), "kernel_size"),
                       stride = c.ints(n.input(2));
  a.set("kernel", kernel);
  a.set("stride", stride.empty() ? kernel : pair2(stride, "stride"));
  a.set("padding", pair2(c.ints(n.input(3)), "padding"));
  a.set("ceil_mode", c.b(n.input(4)));
  a.set("count_include_pad", c.b(n.input(5)));
  return c.add(OpKind::AvgPool2d, {c.tensor(n.input(0))}, std::move(a));
}

ImportValue adaptiveAvgPool2d(Converter &c, const TsNode &n) {
  Attributes a;
  a.set("output_size", pair2(c.ints(n.input(1)), "output_size"));
  return c.add(OpKind::AdaptiveAvgPool2d, {c.tensor(n.input(0))}, std::move(a));
}

/// embedding(weight, indices, padding_idx, scale_grad_by_freq, sparse).
ImportValue embedding(Converter &c, const TsNode &n) {
  return c.add(OpKind::Embedding, {c.tensor(n.input(1)), c.tensor(n.input(0))});
}

} // namespace

void addNnMappers(OpMappers &m) {
  m["aten::conv2d"] = conv2d;
  m["aten::_convolution"] = convolution;
  m["aten::batch_norm"] = batchNorm;
  m["aten::layer_norm"] = layerNorm;
  m["aten::linear"] = linear;
  m["aten::matmul"] = matmul;
  m["aten::mm"] = matmul;
  m["aten::bmm"] = matmul;
  m["aten::addmm"] = addMatmul;
  m["aten::baddbmm"] = addMatmul;
  m["aten::max_pool2d"] = maxPool2d;
  m["aten::avg_pool2d"] = avgPool2d;
  m["aten::adaptive_avg_pool2d"] = adaptiveAvgPool2d;
  m["aten::embedding"] = embedding;
}

} // namespace duet::import
