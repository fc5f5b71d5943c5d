//===- backends/torch/torch_grad_ops.cpp - gradient ops as ATen calls -----===//
//
// The forward operand a gradient op differentiates with respect to is not
// always an operand (conv2d_grad_input has only its size); the ATen kernels
// want a tensor there and read only its shape, so a zero tensor of that
// shape stands in.
//
#include "backends/torch/torch_grad_ops.h"

#include "ir/error.h"
#include "ir/graph.h"

#include <ATen/ops/_adaptive_avg_pool2d_backward.h>
#include <ATen/ops/avg_pool2d_backward.h>
#include <ATen/ops/convolution_backward.h>
#include <ATen/ops/gelu_backward.h>
#include <ATen/ops/max_pool2d_with_indices.h>
#include <ATen/ops/max_pool2d_with_indices_backward.h>
#include <ATen/ops/scatter_add.h>
#include <ATen/ops/zeros.h>

#include <fmt/format.h>

#include <variant>

namespace duet::torchops {
namespace {

using Ints = std::vector<int64_t>;

/// A 2-d window attribute: one int or [h, w] (one element means both); an
/// absent or empty list gives `def` (torch's stride=None).
Ints pair(const Attributes &attrs, std::string_view name, Ints def) {
  const AttrValue *v = attrs.find(name);
  if (!v)
    return def;
  if (const auto *i = std::get_if<int64_t>(v))
    return {*i, *i};
  Ints r = attrs.getInts(name);
  if (r.empty())
    return def;
  if (r.size() == 1)
    return {r[0], r[0]};
  if (r.size() != 2)
    throw Error(fmt::format("attribute '{}' needs 1 or 2 values, got {}", name, r.size()));
  return r;
}

at::Tensor convGrad(const Node &node, std::span<const at::Tensor> in, bool wantInput) {
  const Attributes &a = node.attrs();
  const at::Tensor &g = in[0];
  at::Tensor x, w;
  if (wantInput) {
    Ints size = pair(a, "input_size", {});
    w = in[1];
    x = at::zeros({g.size(0), w.size(1) * a.getInt("groups", 1), size[0], size[1]}, g.options());
  } else {
    Ints kernel = pair(a, "kernel_size", {});
    x = in[1];
    w = at::zeros({g.size(1), x.size(1) / a.getInt("groups", 1), kernel[0], kernel[1]},
                  g.options());
  }
  auto grads =
      at::convolution_backward(g, x, w, c10::nullopt, pair(a, "stride", {1, 1}),
                               pair(a, "padding", {0, 0}), pair(a, "dilation", {1, 1}), false,
                               {0, 0}, a.getInt("groups", 1), {wantInput, !wantInput, false});
  return wantInput ? std::get<0>(grads) : std::get<1>(grads);
}

/// Whether some window along one axis has no tap inside [0, size).
bool hasEmptyWindow(int64_t size, int64_t outSize, int64_t kernel, int64_t stride, int64_t pad,
                    int64_t dilation) {
  for (int64_t o = 0; o < outSize; ++o) {
    bool any = false;
    for (int64_t k = 0; k < kernel && !any; ++k) {
      int64_t p = o * stride - pad + k * dilation;
      any = p >= 0 && p < size;
    }
    if (!any)
      return true;
  }
  return false;
}

/// LibTorch 1.13 gives a max-pool window wholly in the padding an index
/// outside the image, and its backward then writes out of bounds. Such nodes
/// stay on the pure kernel, which routes nothing from such a window.
const char *kEmptyWindow = "a max_pool2d_grad window lies wholly in the padding (LibTorch 1.13 "
                           "would write outside the gradient)";

bool maxPoolHasEmptyWindow(const Node &node, const Shape &grad, const Shape &x) {
  const Attributes &a = node.attrs();
  Ints kernel = pair(a, "kernel", {});
  Ints stride = pair(a, "stride", kernel), padding = pair(a, "padding", {0, 0});
  Ints dilation = pair(a, "dilation", {1, 1});
  for (size_t i = 0; i < 2; ++i)
    if (hasEmptyWindow(x[2 + i], grad[2 + i], kernel[i], stride[i], padding[i], dilation[i]))
      return true;
  return false;
}

at::Tensor maxPoolGrad(const Node &node, std::span<const at::Tensor> in) {
  const Attributes &a = node.attrs();
  Ints kernel = pair(a, "kernel", {});
  Ints stride = pair(a, "stride", kernel), padding = pair(a, "padding", {0, 0});
  Ints dilation = pair(a, "dilation", {1, 1});
  bool ceil = a.getBool("ceil_mode", false);
  if (maxPoolHasEmptyWindow(node, Shape(in[0].sizes().begin(), in[0].sizes().end()),
                            Shape(in[1].sizes().begin(), in[1].sizes().end())))
    throw Error(kEmptyWindow);
  at::Tensor indices =
      std::get<1>(at::max_pool2d_with_indices(in[1], kernel, stride, padding, dilation, ceil));
  return at::max_pool2d_with_indices_backward(in[0], in[1], kernel, stride, padding, dilation, ceil,
                                              indices);
}

/// The forward input an avg/adaptive pooling grad stands for: [N,C,H,W].
at::Tensor poolInput(const Node &node, const at::Tensor &g) {
  Ints size = pair(node.attrs(), "input_size", {});
  return at::zeros({g.size(0), g.size(1), size[0], size[1]}, g.options());
}

at::Tensor avgPoolGrad(const Node &node, const at::Tensor &g) {
  const Attributes &a = node.attrs();
  Ints kernel = pair(a, "kernel", {});
  return at::avg_pool2d_backward(g, poolInput(node, g), kernel, pair(a, "stride", kernel),
                                 pair(a, "padding", {0, 0}), a.getBool("ceil_mode", false),
                                 a.getBool("count_include_pad", true), c10::nullopt);
}

} // namespace

at::Tensor runGradOp(const Node &node, std::span<const at::Tensor> in) {
  switch (node.op()) {
  case OpKind::GeluGrad: return at::gelu_backward(in[0], in[1], "none");
  case OpKind::Conv2dGradInput: return convGrad(node, in, true);
  case OpKind::Conv2dGradWeight: return convGrad(node, in, false);
  case OpKind::MaxPool2dGrad: return maxPoolGrad(node, in);
  case OpKind::AvgPool2dGrad: return avgPoolGrad(node, in[0]);
  case OpKind::AdaptiveAvgPool2dGrad:
    return at::_adaptive_avg_pool2d_backward(in[0], poolInput(node, in[0]));
  case OpKind::ScatterAdd:
    return at::scatter_add(in[0], node.attrs().getInt("axis", 0), in[1], in[2]);
  default: break;
  }
  throw Error(fmt::format("{} is not a gradient op", node.opName()));
}

std::string gradUnsupportedReason(const Node &node) {
  if (node.op() == OpKind::MaxPool2dGrad && node.numInputs() == 2 &&
      node.input(0)->shape().size() == 4 && node.input(1)->shape().size() == 4 &&
      maxPoolHasEmptyWindow(node, node.input(0)->shape(), node.input(1)->shape()))
    return kEmptyWindow;
  return {};
}

} // namespace duet::torchops
