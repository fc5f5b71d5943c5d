//===- tests/autodiff/cases_nn.cpp - gradient checks: conv, pooling, norms, indexing, losses ===//
#include "tests/autodiff/grad_check.h"

namespace duet::test {
namespace {

using Ints = std::vector<int64_t>;

Ints pair(CaseGraph &c, int64_t lo, int64_t hi) {
  return {c.rng().range(lo, hi), c.rng().range(lo, hi)};
}

Shape image(CaseGraph &c, int64_t channels, int64_t maxSide = 6) {
  return {c.rng().range(1, 2), channels, c.rng().range(1, maxSide), c.rng().range(1, maxSide)};
}

} // namespace

std::vector<GradCase> nnGradCases() {
  std::vector<GradCase> cs;
  cs.push_back({"conv2d",
                {OpKind::Conv2d},
                [](CaseGraph &c) {
                  int64_t groups = c.rng().range(1, 2), cg = c.rng().range(1, 2);
                  int64_t og = c.rng().range(1, 2);
                  Ints k = pair(c, 1, 3);
                  std::vector<Node *> ins = {c.input(image(c, cg * groups, 7)),
                                             c.input({og * groups, cg, k[0], k[1]})};
                  if (c.rng().coin())
                    ins.push_back(c.input({og * groups}));
                  Attributes a;
                  a.set("stride", pair(c, 1, 3));
                  a.set("padding", pair(c, 0, 2));
                  a.set("dilation", pair(c, 1, 2));
                  a.set("groups", groups);
                  return c.op(OpKind::Conv2d, ins, a);
                },
                16});
  cs.push_back(
      {"max_pool2d",
       {OpKind::MaxPool2d},
       [](CaseGraph &c) {
         Ints kernel = pair(c, 1, 3);
         Attributes a;
         a.set("kernel", kernel);
         a.set("stride", pair(c, 1, 3));
         a.set("padding", Ints{c.rng().range(0, kernel[0] / 2), c.rng().range(0, kernel[1] / 2)});
         a.set("dilation", pair(c, 1, 2));
         a.set("ceil_mode", c.rng().coin());
         return c.op(OpKind::MaxPool2d, {c.input(image(c, c.rng().range(1, 2)))}, a);
       },
       16});
  cs.push_back(
      {"avg_pool2d",
       {OpKind::AvgPool2d},
       [](CaseGraph &c) {
         Ints kernel = pair(c, 1, 3);
         Attributes a;
         a.set("kernel", kernel);
         if (c.rng().coin(0.7))
           a.set("stride", pair(c, 1, 3));
         a.set("padding", Ints{c.rng().range(0, kernel[0] / 2), c.rng().range(0, kernel[1] / 2)});
         a.set("ceil_mode", c.rng().coin());
         a.set("count_include_pad", c.rng().coin());
         return c.op(OpKind::AvgPool2d, {c.input(image(c, c.rng().range(1, 2)))}, a);
       },
       16});
  cs.push_back({"adaptive_avg_pool2d",
                {OpKind::AdaptiveAvgPool2d},
                [](CaseGraph &c) {
                  Attributes a;
                  a.set("output_size", pair(c, 1, 4));
                  return c.op(OpKind::AdaptiveAvgPool2d, {c.input(image(c, 2))}, a);
                },
                12});
  cs.push_back({"batch_norm",
                {OpKind::BatchNorm},
                [](CaseGraph &c) {
                  Shape s = c.shape(2, 4, 3);
                  Shape ch{s[1]};
                  Attributes a;
                  if (c.rng().coin())
                    a.set("eps", 0.1);
                  return c.op(OpKind::BatchNorm,
                              {c.input(s), c.input(ch), c.input(ch, Fill::Positive), c.input(ch),
                               c.input(ch)},
                              a);
                },
                12});
  cs.push_back({"layer_norm",
                {OpKind::LayerNorm},
                [](CaseGraph &c) {
                  Shape s = c.shape(1, 3, 4);
                  int64_t k = c.rng().range(1, int64_t(s.size()));
                  Shape w(s.end() - k, s.end());
                  Attributes a;
                  if (c.rng().coin())
                    a.set("eps", 0.01);
                  return c.op(OpKind::LayerNorm, {c.input(s), c.input(w), c.input(w)}, a);
                },
                12});
  cs.push_back({"embedding", {OpKind::Embedding}, [](CaseGraph &c) {
                  int64_t vocab = c.rng().range(1, 5), dim = c.rng().range(1, 3);
                  // Few rows, many lookups: repeated indices accumulate.
                  Node *idx = c.indices(c.shape(0, 2, 4), vocab);
                  return c.op(OpKind::Embedding, {idx, c.input({vocab, dim})});
                }});
  cs.push_back({"gather", {OpKind::Gather}, [](CaseGraph &c) {
                  Shape s = c.shape(1, 3);
                  int64_t axis = c.rng().range(0, int64_t(s.size()) - 1);
                  Shape is = s;
                  for (int64_t &d : is)
                    d = c.rng().range(1, d);
                  is[size_t(axis)] = c.rng().range(1, 5);
                  Attributes a;
                  a.set("axis", axis);
                  return c.op(OpKind::Gather, {c.input(s), c.indices(is, s[size_t(axis)])}, a);
                }});
  cs.push_back({"scatter_add",
                {OpKind::ScatterAdd},
                [](CaseGraph &c) {
                  Shape s = c.shape(1, 3);
                  int64_t axis = c.rng().range(0, int64_t(s.size()) - 1);
                  Shape is = s, src = s;
                  for (int64_t &d : is)
                    d = c.rng().range(1, d);
                  is[size_t(axis)] = c.rng().range(1, 4);
                  for (size_t d = 0; d < s.size(); ++d) // the source may be larger
                    src[d] = is[d] + c.rng().range(0, 1);
                  Attributes a;
                  a.set("axis", axis - (c.rng().coin() ? int64_t(s.size()) : 0));
                  return c.op(OpKind::ScatterAdd,
                              {c.input(s), c.indices(is, s[size_t(axis)]), c.input(src)}, a);
                },
                12});
  cs.push_back({"mse_loss", {OpKind::MseLoss}, [](CaseGraph &c) {
                  Shape s = c.shape(0, 3);
                  return c.op(OpKind::MseLoss, {c.input(s), c.input(s)});
                }});
  cs.push_back(
      {"cross_entropy", {OpKind::CrossEntropy}, [](CaseGraph &c) {
         int64_t n = c.rng().range(1, 4), classes = c.rng().range(1, 5);
         return c.op(OpKind::CrossEntropy, {c.input({n, classes}), c.indices({n}, classes)});
       }});
  return cs;
}

} // namespace duet::test
