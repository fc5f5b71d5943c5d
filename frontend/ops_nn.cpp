//===- frontend/ops_nn.cpp - conv, pooling, norms, indexing, losses -------===//
#include "frontend/ops.h"
#include "frontend/record.h"

namespace duet {

Tensor conv2d(const Tensor &x, const Tensor &weight, const Tensor &bias,
              const Conv2dOptions &opts) {
  // Only non-default attributes, so printed graphs stay short.
  Attributes a;
  if (opts.stride != std::vector<int64_t>{1, 1})
    a.set("stride", opts.stride);
  if (opts.padding != std::vector<int64_t>{0, 0})
    a.set("padding", opts.padding);
  if (opts.dilation != std::vector<int64_t>{1, 1})
    a.set("dilation", opts.dilation);
  if (opts.groups != 1)
    a.set("groups", opts.groups);
  if (bias.defined())
    return record(OpKind::Conv2d, {x, weight, bias}, std::move(a));
  return record(OpKind::Conv2d, {x, weight}, std::move(a));
}

namespace {

Attributes poolAttrs(const std::vector<int64_t> &kernel, const Pool2dOptions &opts) {
  Attributes a;
  a.set("kernel", kernel);
  if (!opts.stride.empty() && opts.stride != kernel)
    a.set("stride", opts.stride);
  if (opts.padding != std::vector<int64_t>{0, 0})
    a.set("padding", opts.padding);
  if (opts.ceilMode)
    a.set("ceil_mode", true);
  return a;
}

} // namespace

Tensor max_pool2d(const Tensor &x, const std::vector<int64_t> &kernel, const Pool2dOptions &opts) {
  Attributes a = poolAttrs(kernel, opts);
  if (opts.dilation != std::vector<int64_t>{1, 1})
    a.set("dilation", opts.dilation);
  return record(OpKind::MaxPool2d, {x}, std::move(a));
}

Tensor avg_pool2d(const Tensor &x, const std::vector<int64_t> &kernel, const Pool2dOptions &opts) {
  Attributes a = poolAttrs(kernel, opts);
  if (!opts.countIncludePad)
    a.set("count_include_pad", false);
  return record(OpKind::AvgPool2d, {x}, std::move(a));
}

Tensor adaptive_avg_pool2d(const Tensor &x, const std::vector<int64_t> &outputSize) {
  Attributes a;
  a.set("output_size", outputSize);
  return record(OpKind::AdaptiveAvgPool2d, {x}, std::move(a));
}

Tensor batch_norm(const Tensor &x, const Tensor &mean, const Tensor &var, const Tensor &weight,
                  const Tensor &bias, double eps) {
  Attributes a;
  a.set("eps", eps);
  return record(OpKind::BatchNorm, {x, mean, var, weight, bias}, std::move(a));
}

Tensor layer_norm(const Tensor &x, const Tensor &weight, const Tensor &bias, double eps) {
  Attributes a;
  a.set("eps", eps);
  return record(OpKind::LayerNorm, {x, weight, bias}, std::move(a));
}

Tensor embedding(const Tensor &indices, const Tensor &weight) {
  return record(OpKind::Embedding, {indices, weight});
}

Tensor gather(const Tensor &x, const Tensor &index, int64_t axis) {
  Attributes a;
  a.set("axis", axis);
  return record(OpKind::Gather, {x, index}, std::move(a));
}

Tensor mse_loss(const Tensor &a, const Tensor &b) { return record(OpKind::MseLoss, {a, b}); }

Tensor cross_entropy(const Tensor &logits, const Tensor &target) {
  return record(OpKind::CrossEntropy, {logits, target});
}

} // namespace duet
