//===- ir/grad_shape_rules.cpp - type rules: gradient ops of autodiff -----===//
//
// Each gradient op's result is the type of the forward operand it is the
// gradient of. Where the forward's output size loses information (strided
// convolution and pooling round down), the operand's spatial size is an
// attribute, and the incoming gradient must have exactly the size the
// forward op would produce from it.
//
#include "ir/shape_rules.h"

#include <fmt/format.h>

namespace duet::rules {

namespace {

/// The incoming gradient must have the forward op's result shape.
void requireGradShape(OpKind k, const TensorType &grad, const Shape &forward) {
  if (grad.shape != forward)
    fail(k, fmt::format("gradient {} does not have the forward result shape {}", grad.str(),
                        shapeToString(forward)));
}

/// Groups must divide both channel counts.
int64_t groupsAttr(OpKind k, const Attributes &a, int64_t in, int64_t out) {
  int64_t groups = a.getInt("groups", 1);
  if (groups < 1)
    fail(k, fmt::format("groups must be >= 1, got {}", groups));
  if (in % groups != 0 || out % groups != 0)
    fail(k, fmt::format("groups {} must divide both input channels {} and output channels {}",
                        groups, in, out));
  return groups;
}

/// The conv2d result shape [N,O,OH,OW] for input [N,C,H,W] and kernel kH,kW.
Shape convForward(OpKind k, const Attributes &a, int64_t n, int64_t o, int64_t h, int64_t w,
                  std::array<int64_t, 2> kernel) {
  auto stride = pairAttr(k, a, "stride", {1, 1}, 1);
  auto padding = pairAttr(k, a, "padding", {0, 0}, 0);
  auto dilation = pairAttr(k, a, "dilation", {1, 1}, 1);
  std::array<int64_t, 2> size{h, w};
  Shape out{n, o, 0, 0};
  for (int i = 0; i < 2; ++i)
    out[2 + i] = windowOutput(k, size[i], kernel[i], stride[i], padding[i], dilation[i], false);
  return out;
}

} // namespace

TensorType geluGrad(OpKind k, Types in, const Attributes &) {
  requireFloat(k, in, 0);
  requireSameDType(k, in[0], in[1]);
  if (in[0].shape != in[1].shape)
    fail(k, fmt::format("gradient {} and input {} must have the same shape", in[0].str(),
                        in[1].str()));
  return in[1];
}

TensorType conv2dGradInput(OpKind k, Types in, const Attributes &a) {
  const TensorType &grad = in[0], &w = in[1];
  requireRank(k, in, 0, 4);
  requireRank(k, in, 1, 4);
  requireFloat(k, in, 0);
  requireSameDType(k, grad, w);
  if (w.shape[0] != grad.shape[1])
    fail(k, fmt::format("weight {} has {} output channels but the gradient {} has {}", w.str(),
                        w.shape[0], grad.str(), grad.shape[1]));
  if (w.shape[2] < 1 || w.shape[3] < 1)
    fail(k, fmt::format("weight {} has an empty kernel", w.str()));
  int64_t groups = a.getInt("groups", 1);
  if (groups < 1 || w.shape[0] % groups != 0)
    fail(k, fmt::format("groups {} must be >= 1 and divide the output channels {}", groups,
                        w.shape[0]));
  auto size = pairAttr(k, a, "input_size", {1, 1}, 0);
  int64_t c = w.shape[1] * groups;
  requireGradShape(
      k, grad,
      convForward(k, a, grad.shape[0], w.shape[0], size[0], size[1], {w.shape[2], w.shape[3]}));
  return {grad.dtype, {grad.shape[0], c, size[0], size[1]}};
}

TensorType conv2dGradWeight(OpKind k, Types in, const Attributes &a) {
  const TensorType &grad = in[0], &x = in[1];
  requireRank(k, in, 0, 4);
  requireRank(k, in, 1, 4);
  requireFloat(k, in, 0);
  requireSameDType(k, grad, x);
  int64_t o = grad.shape[1], c = x.shape[1];
  int64_t groups = groupsAttr(k, a, c, o);
  auto kernel = pairAttr(k, a, "kernel_size", {1, 1}, 1);
  requireGradShape(k, grad, convForward(k, a, x.shape[0], o, x.shape[2], x.shape[3], kernel));
  return {grad.dtype, {o, c / groups, kernel[0], kernel[1]}};
}

TensorType maxPool2dGrad(OpKind k, Types in, const Attributes &a) {
  requireSameDType(k, in[0], in[1]);
  TensorType forward = pool2d(k, in.subspan(1, 1), a);
  requireGradShape(k, in[0], forward.shape);
  return in[1];
}

TensorType avgPool2dGrad(OpKind k, Types in, const Attributes &a) {
  const TensorType &grad = in[0];
  requireRank(k, in, 0, 4);
  requireFloat(k, in, 0);
  auto size = pairAttr(k, a, "input_size", {1, 1}, 0);
  TensorType x{grad.dtype, {grad.shape[0], grad.shape[1], size[0], size[1]}};
  TensorType forward = pool2d(k, std::span<const TensorType>(&x, 1), a);
  requireGradShape(k, grad, forward.shape);
  return x;
}

TensorType adaptiveAvgPool2dGrad(OpKind k, Types in, const Attributes &a) {
  const TensorType &grad = in[0];
  requireRank(k, in, 0, 4);
  requireFloat(k, in, 0);
  auto size = pairAttr(k, a, "input_size", {1, 1}, 1);
  if (grad.shape[2] < 1 || grad.shape[3] < 1)
    fail(k, fmt::format("gradient {} has an empty spatial dimension", grad.str()));
  return {grad.dtype, {grad.shape[0], grad.shape[1], size[0], size[1]}};
}

TensorType scatterAdd(OpKind k, Types in, const Attributes &a) {
  const TensorType &base = in[0], &index = in[1], &src = in[2];
  requireDType(k, in, 0, {DType::F32, DType::F64, DType::I64});
  requireDType(k, in, 1, {DType::I64});
  requireSameDType(k, base, src);
  if (index.rank() != base.rank() || src.rank() != base.rank())
    fail(k, fmt::format("input {}, index {} and source {} must have the same rank", base.str(),
                        index.str(), src.str()));
  int64_t ax = axis(k, a.getInt("axis", 0), base);
  for (int64_t d = 0; d < base.rank(); ++d) {
    if (index.shape[d] > src.shape[d])
      fail(k, fmt::format("index {} is larger than source {} in dimension {}", index.str(),
                          src.str(), d));
    if (d != ax && index.shape[d] > base.shape[d])
      fail(k, fmt::format("index {} is larger than input {} in dimension {}", index.str(),
                          base.str(), d));
  }
  return base;
}

} // namespace duet::rules
