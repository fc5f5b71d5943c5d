//===- tests/torch/op_cases_grad.cpp - differential cases: gradient ops ---===//
//
// The gradient ops of autodiff against torch's own backward kernels. Each
// case draws a forward configuration (as op_cases_nn.cpp does), asks the
// registry for the forward result type, and feeds a random gradient of that
// shape. Max-pool inputs have ties and NaNs, which must pick the same
// position as torch's indices.
//
#include "ir/error.h"
#include "ir/op_registry.h"
#include "tests/torch/case_builder.h"

#include <fmt/format.h>

namespace duet::test {
namespace {

using Nodes = std::vector<Node *>;
using Ints = std::vector<int64_t>;
const std::vector<DType> kFloats = {DType::F32, DType::F64};

std::string dn(DType t) { return std::string(dtypeName(t)); }

Ints pair(CaseBuilder &b, int64_t lo, int64_t hi) {
  return {b.rng().range(lo, hi), b.rng().range(lo, hi)};
}

Shape image(CaseBuilder &b, int64_t channels) {
  return {b.rng().coin(0.1) ? 0 : b.rng().range(1, 2), channels, b.rng().range(1, 7),
          b.rng().range(1, 7)};
}

/// The forward op's result shape (throws for an invalid configuration).
Shape forwardShape(OpKind k, std::vector<TensorType> in, const Attributes &a) {
  return checkAndInferType(k, in, a).shape;
}

void convCases(std::vector<OpCase> &cs) {
  for (bool wantInput : {true, false})
    for (DType t : kFloats)
      cs.push_back(
          {fmt::format("{}_{}", wantInput ? "conv2d_grad_input" : "conv2d_grad_weight", dn(t)),
           [t, wantInput](CaseBuilder &b) {
             int64_t groups = b.rng().range(1, 2);
             int64_t cg = b.rng().range(1, 3), og = b.rng().range(1, 2);
             Ints k = pair(b, 1, 3);
             Shape xs = image(b, cg * groups), ws = {og * groups, cg, k[0], k[1]};
             Attributes a;
             if (b.rng().coin(0.7))
               a.set("stride", pair(b, 1, 3));
             if (b.rng().coin(0.7))
               a.set("padding", pair(b, 0, 2));
             if (b.rng().coin(0.5))
               a.set("dilation", pair(b, 1, 2));
             if (groups > 1 || b.rng().coin())
               a.set("groups", groups);
             Shape ys = forwardShape(OpKind::Conv2d, {{t, xs}, {t, ws}}, a);
             Node *g = b.input(t, ys);
             if (wantInput) {
               a.set("input_size", Ints{xs[2], xs[3]});
               return Nodes{b.op(OpKind::Conv2dGradInput, {g, b.input(t, ws)}, a)};
             }
             a.set("kernel_size", k);
             return Nodes{b.op(OpKind::Conv2dGradWeight, {g, b.input(t, xs)}, a)};
           },
           4.0});
}

/// Random pooling attributes as op_cases_nn.cpp draws them.
Attributes poolAttrs(CaseBuilder &b, OpKind forward) {
  Ints kernel = pair(b, 1, 3);
  Attributes a;
  a.set("kernel", kernel);
  if (b.rng().coin(0.6))
    a.set("stride", pair(b, 1, 3));
  if (b.rng().coin(0.6))
    a.set("padding", Ints{b.rng().range(0, kernel[0] / 2), b.rng().range(0, kernel[1] / 2)});
  if (forward == OpKind::MaxPool2d && b.rng().coin(0.4))
    a.set("dilation", pair(b, 1, 2));
  if (b.rng().coin(0.6))
    a.set("ceil_mode", b.rng().coin());
  if (forward == OpKind::AvgPool2d && b.rng().coin(0.6))
    a.set("count_include_pad", b.rng().coin());
  return a;
}

/// Rejects (as an invalid configuration) max pooling with a window wholly
/// in the padding: LibTorch refuses those (see torch_grad_ops.cpp).
void requireNonEmptyWindows(const Shape &xs, const Shape &ys, const Attributes &a) {
  Ints kernel = a.getInts("kernel"), stride = a.getInts("stride", kernel);
  Ints pad = a.getInts("padding", {0, 0}), dil = a.getInts("dilation", {1, 1});
  for (size_t i = 0; i < 2; ++i)
    for (int64_t o = 0; o < ys[2 + i]; ++o) {
      bool any = false;
      for (int64_t k = 0; k < kernel[i]; ++k) {
        int64_t p = o * stride[i] - pad[i] + k * dil[i];
        any = any || (p >= 0 && p < xs[2 + i]);
      }
      if (!any)
        throw Error("a window lies wholly in the padding");
    }
}

void poolCases(std::vector<OpCase> &cs) {
  for (Fill fill : {Fill::Mixed, Fill::WithNaN})
    for (DType t : kFloats)
      cs.push_back({fmt::format("max_pool2d_grad_{}{}", dn(t), fill == Fill::WithNaN ? "_nan" : ""),
                    [t, fill](CaseBuilder &b) {
                      Attributes a = poolAttrs(b, OpKind::MaxPool2d);
                      Shape xs = image(b, b.rng().range(1, 3));
                      Shape ys = forwardShape(OpKind::MaxPool2d, {{t, xs}}, a);
                      requireNonEmptyWindows(xs, ys, a);
                      Node *g = b.input(t, ys);
                      return Nodes{b.op(OpKind::MaxPool2dGrad, {g, b.input(t, xs, fill)}, a)};
                    }});
  for (DType t : kFloats)
    cs.push_back({"avg_pool2d_grad_" + dn(t), [t](CaseBuilder &b) {
                    Attributes a = poolAttrs(b, OpKind::AvgPool2d);
                    Shape xs = image(b, b.rng().range(1, 3));
                    Shape ys = forwardShape(OpKind::AvgPool2d, {{t, xs}}, a);
                    a.set("input_size", Ints{xs[2], xs[3]});
                    return Nodes{b.op(OpKind::AvgPool2dGrad, {b.input(t, ys)}, a)};
                  }});
  for (DType t : kFloats)
    cs.push_back({"adaptive_avg_pool2d_grad_" + dn(t), [t](CaseBuilder &b) {
                    Shape xs = image(b, b.rng().range(1, 3));
                    Ints out = pair(b, 1, 5);
                    Attributes a;
                    a.set("input_size", Ints{xs[2], xs[3]});
                    Shape ys = {xs[0], xs[1], out[0], out[1]};
                    return Nodes{b.op(OpKind::AdaptiveAvgPool2dGrad, {b.input(t, ys)}, a)};
                  }});
}

void elementwiseCases(std::vector<OpCase> &cs) {
  for (DType t : kFloats)
    cs.push_back({"gelu_grad_" + dn(t), [t](CaseBuilder &b) {
                    Shape s = b.shape(0, 3, 5, 0.05);
                    return Nodes{b.op(OpKind::GeluGrad, {b.input(t, s), b.input(t, s)})};
                  }});
}

void scatterCases(std::vector<OpCase> &cs) {
  for (DType t : {DType::F32, DType::F64, DType::I64})
    cs.push_back({"scatter_add_" + dn(t), [t](CaseBuilder &b) {
                    Shape s = b.shape(1, 3, 4);
                    auto rank = static_cast<int64_t>(s.size());
                    int64_t axis = b.rng().range(-rank, rank - 1);
                    size_t ax = static_cast<size_t>(axis < 0 ? axis + rank : axis);
                    Shape is = s, src = s;
                    for (size_t d = 0; d < s.size(); ++d) {
                      is[d] = d == ax ? b.rng().range(0, 5) : b.rng().range(0, s[d]);
                      src[d] = is[d] + b.rng().range(0, 1);
                    }
                    Node *base = b.input(t, s);
                    Node *index = b.input(DType::I64, is, Fill::Index, s[ax]);
                    Attributes a;
                    a.set("axis", axis);
                    return Nodes{b.op(OpKind::ScatterAdd, {base, index, b.input(t, src)}, a)};
                  }});
}

} // namespace

std::vector<OpCase> gradCases() {
  std::vector<OpCase> cs;
  elementwiseCases(cs);
  convCases(cs);
  poolCases(cs);
  scatterCases(cs);
  return cs;
}

} // namespace duet::test
