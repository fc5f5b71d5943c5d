//===- tests/torch/op_cases_nn.cpp - differential cases: nn ops ----------===//
//
// Convolution, pooling, normalization, indexing and losses with random
// shapes and attributes (windows that do not fit are rejected by addChecked
// and redrawn by the harness).
//
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

/// An NCHW image shape: batch 0-2 (rarely 0), 1-3 channels, 1-7 pixels a side.
Shape image(CaseBuilder &b, int64_t channels) {
  return {b.rng().coin(0.1) ? 0 : b.rng().range(1, 2), channels, b.rng().range(1, 7),
          b.rng().range(1, 7)};
}

void convCases(std::vector<OpCase> &cs) {
  for (DType t : kFloats)
    cs.push_back({"conv2d_" + dn(t),
                  [t](CaseBuilder &b) {
                    int64_t groups = b.rng().range(1, 2);
                    int64_t cg = b.rng().range(1, 3), og = b.rng().range(1, 2);
                    Ints k = pair(b, 1, 3);
                    Nodes ins = {b.input(t, image(b, cg * groups)),
                                 b.input(t, {og * groups, cg, k[0], k[1]})};
                    if (b.rng().coin())
                      ins.push_back(b.input(t, {og * groups}));
                    Attributes a;
                    if (b.rng().coin(0.7))
                      a.set("stride", pair(b, 1, 2));
                    if (b.rng().coin(0.7))
                      a.set("padding", pair(b, 0, 2));
                    if (b.rng().coin(0.5))
                      a.set("dilation", pair(b, 1, 2));
                    if (groups > 1 || b.rng().coin())
                      a.set("groups", groups);
                    return Nodes{b.op(OpKind::Conv2d, ins, a)};
                  },
                  4.0});
}

void poolCases(std::vector<OpCase> &cs) {
  for (OpKind k : {OpKind::MaxPool2d, OpKind::AvgPool2d})
    for (DType t : kFloats)
      cs.push_back({fmt::format("{}_{}", opName(k), dn(t)), [k, t](CaseBuilder &b) {
                      Ints kernel = pair(b, 1, 3);
                      Attributes a;
                      a.set("kernel", kernel);
                      if (b.rng().coin(0.6))
                        a.set("stride", pair(b, 1, 3));
                      if (b.rng().coin(0.6))
                        a.set("padding", Ints{b.rng().range(0, kernel[0] / 2),
                                              b.rng().range(0, kernel[1] / 2)});
                      if (k == OpKind::MaxPool2d && b.rng().coin(0.4))
                        a.set("dilation", pair(b, 1, 2));
                      if (b.rng().coin(0.6))
                        a.set("ceil_mode", b.rng().coin());
                      if (k == OpKind::AvgPool2d && b.rng().coin(0.6))
                        a.set("count_include_pad", b.rng().coin());
                      Node *x = b.input(t, image(b, b.rng().range(1, 3)));
                      return Nodes{b.op(k, {x}, a)};
                    }});
  for (DType t : kFloats)
    cs.push_back({"adaptive_avg_pool2d_" + dn(t), [t](CaseBuilder &b) {
                    Attributes a;
                    a.set("output_size", pair(b, 1, 5));
                    Node *x = b.input(t, image(b, b.rng().range(1, 3)));
                    return Nodes{b.op(OpKind::AdaptiveAvgPool2d, {x}, a)};
                  }});
}

void normCases(std::vector<OpCase> &cs) {
  for (DType t : kFloats)
    cs.push_back({"batch_norm_" + dn(t),
                  [t](CaseBuilder &b) {
                    Shape s = b.shape(2, 4, 4, 0.05);
                    Shape c = {s[1]};
                    Nodes ins = {b.input(t, s), b.input(t, c), b.input(t, c, Fill::Positive),
                                 b.input(t, c), b.input(t, c)};
                    Attributes a;
                    if (b.rng().coin())
                      a.set("eps", b.rng().uniform(1e-6, 1e-2));
                    return Nodes{b.op(OpKind::BatchNorm, ins, a)};
                  },
                  2.0});
  for (DType t : kFloats)
    cs.push_back({"layer_norm_" + dn(t),
                  [t](CaseBuilder &b) {
                    Shape s = b.shape(1, 4, 6, 0.05);
                    size_t trailing = static_cast<size_t>(
                        b.rng().range(1, std::min<int64_t>(2, static_cast<int64_t>(s.size()))));
                    Shape w(s.end() - static_cast<std::ptrdiff_t>(trailing), s.end());
                    Nodes ins = {b.input(t, s), b.input(t, w), b.input(t, w)};
                    Attributes a;
                    if (b.rng().coin())
                      a.set("eps", b.rng().uniform(1e-6, 1e-2));
                    return Nodes{b.op(OpKind::LayerNorm, ins, a)};
                  },
                  4.0});
}

void indexCases(std::vector<OpCase> &cs) {
  for (DType t : {DType::F32, DType::F64, DType::I64, DType::Bool})
    cs.push_back({"embedding_" + dn(t), [t](CaseBuilder &b) {
                    int64_t v = b.rng().range(1, 6), d = b.rng().range(1, 4);
                    Node *idx = b.input(DType::I64, b.shape(0, 2, 4, 0.05), Fill::Index, v);
                    return Nodes{b.op(OpKind::Embedding, {idx, b.input(t, {v, d})})};
                  }});
  for (DType t : {DType::F32, DType::I64, DType::Bool})
    cs.push_back({"gather_" + dn(t), [t](CaseBuilder &b) {
                    Shape s = b.shape(1, 3, 4);
                    auto rank = static_cast<int64_t>(s.size());
                    int64_t axis = b.rng().range(-rank, rank - 1);
                    size_t ax = static_cast<size_t>(axis < 0 ? axis + rank : axis);
                    Shape is = s;
                    for (size_t d = 0; d < s.size(); ++d)
                      is[d] = d == ax ? b.rng().range(0, 5) : b.rng().range(0, s[d]);
                    Node *x = b.input(t, s);
                    Node *index = b.input(DType::I64, is, Fill::Index, s[ax]);
                    Attributes a;
                    a.set("axis", axis);
                    return Nodes{b.op(OpKind::Gather, {x, index}, a)};
                  }});
}

void lossCases(std::vector<OpCase> &cs) {
  for (DType t : kFloats)
    cs.push_back({"mse_loss_" + dn(t),
                  [t](CaseBuilder &b) {
                    Shape s = b.shape(0, 3, 5, 0.05);
                    return Nodes{b.op(OpKind::MseLoss, {b.input(t, s), b.input(t, s)})};
                  },
                  2.0});
  for (DType t : kFloats)
    cs.push_back({"cross_entropy_" + dn(t),
                  [t](CaseBuilder &b) {
                    int64_t n = b.rng().range(1, 6), c = b.rng().range(1, 6);
                    Node *logits = b.input(t, {n, c});
                    Node *target = b.input(DType::I64, {n}, Fill::Index, c);
                    return Nodes{b.op(OpKind::CrossEntropy, {logits, target})};
                  },
                  2.0});
}

} // namespace

std::vector<OpCase> nnCases() {
  std::vector<OpCase> cs;
  convCases(cs);
  poolCases(cs);
  normCases(cs);
  indexCases(cs);
  lossCases(cs);
  return cs;
}

} // namespace duet::test
