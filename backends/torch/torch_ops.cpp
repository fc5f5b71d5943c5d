//===- backends/torch/torch_ops.cpp - one ATen call per duet op ----------===//
//
// Each op of ir/ops.def as the ATen call with the semantics of docs/ops.md.
// Per-operator headers keep this file quick to compile (no <ATen/ATen.h>).
//
#include "backends/torch/torch_ops.h"

#include "backends/torch/torch_fused.h"

#include "backends/torch/torch_grad_ops.h"

#include "ir/error.h"
#include "ir/graph.h"

#include <ATen/core/Reduction.h>
#include <ATen/ops/abs.h>
#include <ATen/ops/adaptive_avg_pool2d.h>
#include <ATen/ops/add.h>
#include <ATen/ops/amax.h>
#include <ATen/ops/amin.h>
#include <ATen/ops/argmax.h>
#include <ATen/ops/avg_pool2d.h>
#include <ATen/ops/batch_norm.h>
#include <ATen/ops/broadcast_to.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/clamp.h>
#include <ATen/ops/conv2d.h>
#include <ATen/ops/cross_entropy_loss.h>
#include <ATen/ops/div.h>
#include <ATen/ops/embedding.h>
#include <ATen/ops/eq.h>
#include <ATen/ops/exp.h>
#include <ATen/ops/full.h>
#include <ATen/ops/gather.h>
#include <ATen/ops/ge.h>
#include <ATen/ops/gelu.h>
#include <ATen/ops/gt.h>
#include <ATen/ops/layer_norm.h>
#include <ATen/ops/le.h>
#include <ATen/ops/leaky_relu.h>
#include <ATen/ops/linear.h>
#include <ATen/ops/log.h>
#include <ATen/ops/log_softmax.h>
#include <ATen/ops/lt.h>
#include <ATen/ops/matmul.h>
#include <ATen/ops/max_pool2d.h>
#include <ATen/ops/maximum.h>
#include <ATen/ops/mean.h>
#include <ATen/ops/minimum.h>
#include <ATen/ops/mse_loss.h>
#include <ATen/ops/mul.h>
#include <ATen/ops/ne.h>
#include <ATen/ops/neg.h>
#include <ATen/ops/pow.h>
#include <ATen/ops/relu.h>
#include <ATen/ops/reshape.h>
#include <ATen/ops/rsqrt.h>
#include <ATen/ops/sigmoid.h>
#include <ATen/ops/slice.h>
#include <ATen/ops/softmax.h>
#include <ATen/ops/sqrt.h>
#include <ATen/ops/sub.h>
#include <ATen/ops/sum.h>
#include <ATen/ops/tanh.h>
#include <ATen/ops/tensor.h>
#include <ATen/ops/transpose.h>
#include <ATen/ops/where.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace duet::torchops {
namespace {

using Ints = std::vector<int64_t>;

/// A 2-d window parameter given as one int or as [h, w] (a single-element
/// list is used for both); `def` when absent.
Ints pairAttr(const Attributes &attrs, std::string_view name, Ints def) {
  const AttrValue *v = attrs.find(name);
  if (!v)
    return def;
  if (const auto *i = std::get_if<int64_t>(v))
    return {*i, *i};
  Ints r = attrs.getInts(name);
  if (r.size() == 1)
    return {r[0], r[0]};
  if (r.size() != 2)
    throw Error(fmt::format("attribute '{}' needs 1 or 2 values, got {}", name, r.size()));
  return r;
}

/// Axes of a reduction; [] (or absent) means every axis.
Ints reduceAxes(const Node &node, int64_t rank) {
  Ints axes = node.attrs().getInts("axes", {});
  if (axes.empty()) {
    axes.resize(static_cast<size_t>(rank));
    std::iota(axes.begin(), axes.end(), int64_t{0});
  }
  return axes;
}

/// A clamp bound for x's dtype. For i64, trunc(bound) gives the same result
/// as clamping in floating point and truncating back (what torch's promoted
/// clamp followed by the cast to i64 computes), without routing large
/// integers through f32.
c10::optional<at::Scalar> clampBound(const Attributes &attrs, std::string_view name, DType t) {
  if (!attrs.has(name))
    return c10::nullopt;
  double v = attrs.getFloat(name);
  if (t != DType::I64)
    return at::Scalar(v);
  constexpr double lo = static_cast<double>(std::numeric_limits<int64_t>::min());
  constexpr double hi = 9223372036854774784.0; // largest double below 2^63
  return at::Scalar(static_cast<int64_t>(std::trunc(std::clamp(v, lo, hi))));
}

at::Tensor constantTensor(const Node &node) {
  const TensorType &t = node.type();
  std::vector<double> values = node.attrs().getFloats("value");
  at::TensorOptions f64 = at::TensorOptions().dtype(at::kDouble);
  at::Tensor r;
  if (values.size() == 1)
    r = at::full(t.shape, values[0], f64);
  else if (static_cast<int64_t>(values.size()) == t.numel())
    r = at::tensor(values, f64).reshape(t.shape);
  else
    throw Error(fmt::format("constant has {} values for type {} (need 1 or {})", values.size(),
                            t.str(), t.numel()));
  // Converting from f64 truncates toward zero for i64 and tests != 0 for bool.
  return r.to(scalarType(t.dtype));
}

at::Tensor maxPool(const Node &node, const at::Tensor &x) {
  const Attributes &a = node.attrs();
  Ints kernel = pairAttr(a, "kernel", {});
  return at::max_pool2d(x, kernel, pairAttr(a, "stride", kernel), pairAttr(a, "padding", {0, 0}),
                        pairAttr(a, "dilation", {1, 1}), a.getBool("ceil_mode", false));
}

at::Tensor avgPool(const Node &node, const at::Tensor &x) {
  const Attributes &a = node.attrs();
  Ints kernel = pairAttr(a, "kernel", {});
  return at::avg_pool2d(x, kernel, pairAttr(a, "stride", kernel), pairAttr(a, "padding", {0, 0}),
                        a.getBool("ceil_mode", false), a.getBool("count_include_pad", true));
}

at::Tensor conv(const Node &node, std::span<const at::Tensor> in) {
  const Attributes &a = node.attrs();
  c10::optional<at::Tensor> bias;
  if (in.size() > 2)
    bias = in[2];
  return at::conv2d(in[0], in[1], bias, pairAttr(a, "stride", {1, 1}),
                    pairAttr(a, "padding", {0, 0}), pairAttr(a, "dilation", {1, 1}),
                    a.getInt("groups", 1));
}

at::Tensor compute(const Node &node, std::span<const at::Tensor> in) {
  const Attributes &a = node.attrs();
  auto x = [&]() -> const at::Tensor & { return in[0]; };
  switch (node.op()) {
  case OpKind::Input:
  case OpKind::Param:
    throw Error("graph inputs and parameters are fed to a region, not computed in it");
  case OpKind::Constant: return constantTensor(node);

  case OpKind::Neg: return at::neg(x());
  case OpKind::Abs: return at::abs(x());
  case OpKind::Exp: return at::exp(x());
  case OpKind::Log: return at::log(x());
  case OpKind::Sqrt: return at::sqrt(x());
  case OpKind::Rsqrt: return at::rsqrt(x());
  case OpKind::Tanh: return at::tanh(x());
  case OpKind::Sigmoid: return at::sigmoid(x());
  case OpKind::Relu: return at::relu(x());
  case OpKind::Gelu: return at::gelu(x(), "none");
  case OpKind::LeakyRelu: return at::leaky_relu(x(), a.getFloat("slope", 0.01));
  case OpKind::Clamp: {
    auto lo = clampBound(a, "min", node.dtype());
    auto hi = clampBound(a, "max", node.dtype());
    if (!lo && !hi)
      return x(); // torch rejects a clamp with no bounds; it is the identity
    return at::clamp(x(), lo, hi);
  }
  case OpKind::Cast: return x().to(scalarType(node.dtype()));

  case OpKind::Add: return at::add(in[0], in[1]);
  case OpKind::Sub: return at::sub(in[0], in[1]);
  case OpKind::Mul: return at::mul(in[0], in[1]);
  case OpKind::Div:
    if (node.dtype() == DType::I64)
      return at::div(in[0], in[1], "trunc");
    return at::div(in[0], in[1]);
  case OpKind::Pow: return at::pow(in[0], in[1]);
  case OpKind::Maximum: return at::maximum(in[0], in[1]);
  case OpKind::Minimum: return at::minimum(in[0], in[1]);
  case OpKind::Eq: return at::eq(in[0], in[1]);
  case OpKind::Ne: return at::ne(in[0], in[1]);
  case OpKind::Lt: return at::lt(in[0], in[1]);
  case OpKind::Le: return at::le(in[0], in[1]);
  case OpKind::Gt: return at::gt(in[0], in[1]);
  case OpKind::Ge: return at::ge(in[0], in[1]);
  case OpKind::Where: return at::where(in[0], in[1], in[2]);

  case OpKind::Matmul: return at::matmul(in[0], in[1]);
  case OpKind::Linear:
    return at::linear(in[0], in[1],
                      in.size() > 2 ? c10::optional<at::Tensor>(in[2]) : c10::nullopt);

  case OpKind::Sum: return at::sum(x(), reduceAxes(node, x().dim()), a.getBool("keepdim", false));
  case OpKind::Mean: return at::mean(x(), reduceAxes(node, x().dim()), a.getBool("keepdim", false));
  case OpKind::Max: return at::amax(x(), reduceAxes(node, x().dim()), a.getBool("keepdim", false));
  case OpKind::Min: return at::amin(x(), reduceAxes(node, x().dim()), a.getBool("keepdim", false));
  case OpKind::Argmax: return at::argmax(x(), a.getInt("axis"), a.getBool("keepdim", false));
  case OpKind::Softmax: return at::softmax(x(), a.getInt("axis", -1));
  case OpKind::LogSoftmax: return at::log_softmax(x(), a.getInt("axis", -1));

  // view is an alias of reshape: inside a region its operand may be strided.
  case OpKind::Reshape:
  case OpKind::View: return at::reshape(x(), a.getInts("shape"));
  case OpKind::Transpose: return at::transpose(x(), a.getInt("dim0"), a.getInt("dim1"));
  case OpKind::Permute: return x().permute(a.getInts("dims"));
  case OpKind::BroadcastTo: return at::broadcast_to(x(), a.getInts("shape"));
  case OpKind::Expand: return x().expand(a.getInts("shape"));
  case OpKind::Concat:
    return at::cat(std::vector<at::Tensor>(in.begin(), in.end()), a.getInt("axis", 0));
  case OpKind::Slice:
    return at::slice(x(), a.getInt("axis", 0), a.getInt("start", 0),
                     a.getInt("end", std::numeric_limits<int64_t>::max()), a.getInt("step", 1));

  case OpKind::Conv2d: return conv(node, in);
  case OpKind::MaxPool2d: return maxPool(node, x());
  case OpKind::AvgPool2d: return avgPool(node, x());
  case OpKind::AdaptiveAvgPool2d:
    return at::adaptive_avg_pool2d(x(), pairAttr(a, "output_size", {}));
  case OpKind::BatchNorm: // operands: x, mean, var, weight, bias
    if (in[0].numel() == 0)
      return in[0]; // torch 1.13 fails on zero channels ("select(): index 0 out of range")
    return at::batch_norm(in[0], in[3], in[4], in[1], in[2], /*training=*/false,
                          /*momentum=*/0.0, a.getFloat("eps", 1e-5), /*cudnn_enabled=*/false);
  case OpKind::LayerNorm:
    return at::layer_norm(in[0], in[1].sizes(), in[1], in[2], a.getFloat("eps", 1e-5));

  case OpKind::Embedding: return at::embedding(in[1], in[0]);
  case OpKind::Gather: return at::gather(in[0], a.getInt("axis", 0), in[1]);

  case OpKind::MseLoss: return at::mse_loss(in[0], in[1], at::Reduction::Mean);
  case OpKind::CrossEntropy:
    // No ignore_index: torch's default (-100) would silently skip such
    // targets, while docs/ops.md makes every out-of-range target an error.
    return at::cross_entropy_loss(in[0], in[1], c10::nullopt, at::Reduction::Mean,
                                  std::numeric_limits<int64_t>::min(), 0.0);

  case OpKind::ToTorch:
  case OpKind::FromTorch: return x();

  case OpKind::GeluGrad:
  case OpKind::Conv2dGradInput:
  case OpKind::Conv2dGradWeight:
  case OpKind::MaxPool2dGrad:
  case OpKind::AvgPool2dGrad:
  case OpKind::AdaptiveAvgPool2dGrad:
  case OpKind::ScatterAdd: return runGradOp(node, in);

  case OpKind::FusedElementwise: return runFusedOp(node, in);
  case OpKind::AllReduce: // unsupportedReason keeps it out of regions
    throw Error("all_reduce runs through the process group, not in a torch region");
  }
  throw Error("unknown op");
}

} // namespace

c10::ScalarType scalarType(DType t) {
  switch (t) {
  case DType::F32: return at::kFloat;
  case DType::F64: return at::kDouble;
  case DType::I64: return at::kLong;
  case DType::Bool: break;
  }
  return at::kBool;
}

at::Tensor runOp(const Node &node, std::span<const at::Tensor> operands) {
  at::Tensor r = compute(node, operands);
  c10::ScalarType want = scalarType(node.dtype());
  // argmax and comparisons already match; this catches any promotion torch did.
  if (r.scalar_type() != want)
    r = r.to(want);
  return r;
}

std::string unsupportedReason(const Node &node) {
  if (node.isSource() && node.op() != OpKind::Constant)
    return "graph inputs and parameters are fed to a region, not computed by torch";
  if (node.info().category == OpCategory::Collective)
    return "collectives run through the process group on CPU buffers, not in a region";
  DType in = node.numInputs() > 0 ? node.input(0)->dtype() : node.dtype();
  // LibTorch 1.13's CPU kernels: max_pool2d is floating-only ("not implemented
  // for 'Long'"), adaptive_avg_pool2d goes through mean(), which rejects i64.
  if (in == DType::I64 &&
      (node.op() == OpKind::MaxPool2d || node.op() == OpKind::AdaptiveAvgPool2d))
    return fmt::format("LibTorch 1.13 has no i64 CPU kernel for {}", node.opName());
  return gradUnsupportedReason(node);
}

} // namespace duet::torchops
