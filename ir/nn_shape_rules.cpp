//===- ir/nn_shape_rules.cpp - type rules: conv, pool, norms, indexing, losses ===//
#include "ir/shape_rules.h"

#include <fmt/format.h>

#include <algorithm>

namespace duet::rules {

int64_t windowOutput(OpKind k, int64_t in, int64_t kernel, int64_t stride, int64_t pad,
                     int64_t dilation, bool ceilMode) {
  // 128-bit so attribute values near INT64_MAX cannot overflow.
  using Wide = __int128;
  Wide effective = Wide(dilation) * (kernel - 1) + 1;
  Wide span = Wide(in) + Wide(2) * pad - effective;
  if (span < 0)
    fail(k, fmt::format("window of size {} (dilation {}) does not fit input size {} with "
                        "padding {}",
                        kernel, dilation, in, pad));
  Wide out = (ceilMode ? span + stride - 1 : span) / stride + 1;
  // PyTorch: the last window must start inside the input or left padding.
  if (ceilMode && (out - 1) * stride >= Wide(in) + pad)
    --out;
  if (out > INT64_MAX)
    fail(k, "output size is too large");
  return static_cast<int64_t>(out);
}

TensorType conv2d(OpKind k, Types in, const Attributes &a) {
  const TensorType &x = in[0], &w = in[1];
  requireRank(k, in, 0, 4);
  requireRank(k, in, 1, 4);
  requireSameDType(k, x, w);
  requireFloat(k, in, 0);
  int64_t groups = a.getInt("groups", 1);
  if (groups < 1)
    fail(k, fmt::format("groups must be >= 1, got {}", groups));
  int64_t c = x.shape[1], o = w.shape[0];
  if (c % groups != 0 || o % groups != 0)
    fail(k, fmt::format("groups {} must divide both input channels {} and output channels {}",
                        groups, c, o));
  if (w.shape[1] != c / groups)
    fail(k, fmt::format("weight {} expects {} input channels per group, but input {} with "
                        "groups {} has {}",
                        w.str(), w.shape[1], x.str(), groups, c / groups));
  if (w.shape[2] < 1 || w.shape[3] < 1)
    fail(k, fmt::format("weight {} has an empty kernel", w.str()));
  if (in.size() == 3) {
    requireSameDType(k, x, in[2]);
    if (in[2].shape != Shape{o})
      fail(k, fmt::format("bias must have shape [{}], got {}", o, in[2].str()));
  }
  auto stride = pairAttr(k, a, "stride", {1, 1}, 1);
  auto padding = pairAttr(k, a, "padding", {0, 0}, 0);
  auto dilation = pairAttr(k, a, "dilation", {1, 1}, 1);
  Shape out{x.shape[0], o, 0, 0};
  for (int i = 0; i < 2; ++i)
    out[2 + i] =
        windowOutput(k, x.shape[2 + i], w.shape[2 + i], stride[i], padding[i], dilation[i], false);
  return {x.dtype, out};
}

TensorType pool2d(OpKind k, Types in, const Attributes &a) {
  requireRank(k, in, 0, 4);
  requireFloat(k, in, 0);
  auto kernel = pairAttr(k, a, "kernel", {1, 1}, 1);
  auto stride = pairAttr(k, a, "stride", kernel, 1);
  auto padding = pairAttr(k, a, "padding", {0, 0}, 0);
  auto dilation = pairAttr(k, a, "dilation", {1, 1}, 1);
  bool ceilMode = a.getBool("ceil_mode", false);
  const Shape &s = in[0].shape;
  Shape out{s[0], s[1], 0, 0};
  for (int i = 0; i < 2; ++i) {
    if (padding[i] > kernel[i] / 2)
      fail(k, fmt::format("padding {} must be at most half the kernel {}",
                          attrValueToString(std::vector<int64_t>(padding.begin(), padding.end())),
                          attrValueToString(std::vector<int64_t>(kernel.begin(), kernel.end()))));
    out[2 + i] = windowOutput(k, s[2 + i], kernel[i], stride[i], padding[i], dilation[i], ceilMode);
  }
  return {in[0].dtype, out};
}

TensorType adaptiveAvgPool2d(OpKind k, Types in, const Attributes &a) {
  requireRank(k, in, 0, 4);
  requireFloat(k, in, 0);
  auto size = pairAttr(k, a, "output_size", {1, 1}, 1);
  const Shape &s = in[0].shape;
  if (s[2] == 0 || s[3] == 0)
    fail(k, fmt::format("input {} has an empty spatial dimension", in[0].str()));
  return {in[0].dtype, {s[0], s[1], size[0], size[1]}};
}

TensorType batchNorm(OpKind k, Types in, const Attributes &) {
  const TensorType &x = in[0];
  requireFloat(k, in, 0);
  if (x.rank() < 2)
    fail(k, fmt::format("input must have rank >= 2 ([N,C,...]), got {}", x.str()));
  static const char *names[] = {"", "mean", "var", "weight", "bias"};
  for (size_t i = 1; i < 5; ++i) {
    requireSameDType(k, x, in[i]);
    if (in[i].shape != Shape{x.shape[1]})
      fail(k, fmt::format("{} must have shape [{}], got {}", names[i], x.shape[1], in[i].str()));
  }
  return x;
}

TensorType layerNorm(OpKind k, Types in, const Attributes &) {
  const TensorType &x = in[0], &w = in[1];
  requireFloat(k, in, 0);
  requireSameDType(k, x, w);
  requireSameDType(k, x, in[2]);
  bool ok = w.rank() >= 1 && w.rank() <= x.rank() &&
            std::equal(w.shape.begin(), w.shape.end(), x.shape.end() - w.rank());
  if (!ok)
    fail(k,
         fmt::format("weight {} must match the trailing dimensions of input {}", w.str(), x.str()));
  if (in[2].shape != w.shape)
    fail(k, fmt::format("bias {} must have the shape of weight {}", in[2].str(), w.str()));
  return x;
}

TensorType embedding(OpKind k, Types in, const Attributes &) {
  requireDType(k, in, 0, {DType::I64});
  requireRank(k, in, 1, 2);
  Shape out = in[0].shape;
  out.push_back(in[1].shape[1]);
  return {in[1].dtype, out};
}

TensorType gather(OpKind k, Types in, const Attributes &a) {
  const TensorType &x = in[0], &index = in[1];
  requireDType(k, in, 1, {DType::I64});
  if (index.rank() != x.rank())
    fail(k, fmt::format("index {} must have the rank of input {}", index.str(), x.str()));
  int64_t ax = axis(k, a.getInt("axis", 0), x);
  for (int64_t d = 0; d < x.rank(); ++d)
    if (d != ax && index.shape[d] > x.shape[d])
      fail(k, fmt::format("index {} is larger than input {} in dimension {}", index.str(), x.str(),
                          d));
  return {x.dtype, index.shape};
}

TensorType mseLoss(OpKind k, Types in, const Attributes &) {
  requireSameDType(k, in[0], in[1]);
  requireFloat(k, in, 0);
  if (in[0].shape != in[1].shape)
    fail(k,
         fmt::format("operands must have the same shape, got {} and {}", in[0].str(), in[1].str()));
  return {in[0].dtype, {}};
}

TensorType crossEntropy(OpKind k, Types in, const Attributes &) {
  requireRank(k, in, 0, 2);
  requireFloat(k, in, 0);
  requireDType(k, in, 1, {DType::I64});
  if (in[1].shape != Shape{in[0].shape[0]})
    fail(k, fmt::format("target must have shape [{}] for logits {}, got {}", in[0].shape[0],
                        in[0].str(), in[1].str()));
  return {in[0].dtype, {}};
}

} // namespace duet::rules
