//===- tests/autodiff/cases_structural.cpp - gradient checks: linalg, reductions, movement ===//
#include "tests/autodiff/grad_check.h"

#include <algorithm>
#include <numeric>

namespace duet::test {
namespace {

using Ints = std::vector<int64_t>;

/// A random subset of [0, rank) (possibly empty = all axes), some negative.
Ints randomAxes(CaseGraph &c, int64_t rank) {
  Ints axes;
  for (int64_t d = 0; d < rank; ++d)
    if (c.rng().coin())
      axes.push_back(c.rng().coin() ? d : d - rank);
  return axes;
}

GradCase reduceCase(OpKind k) {
  return {std::string(opName(k)), {k}, [k](CaseGraph &c) {
            Node *x = c.input(c.shape(0, 3));
            Attributes a;
            a.set("axes", randomAxes(c, x->type().rank()));
            a.set("keepdim", c.rng().coin());
            return c.op(k, {x}, a);
          }};
}

GradCase softmaxCase(OpKind k) {
  return {std::string(opName(k)), {k}, [k](CaseGraph &c) {
            Node *x = c.input(c.shape(1, 3));
            Attributes a;
            a.set("axis", c.rng().range(-x->type().rank(), x->type().rank() - 1));
            return c.op(k, {x}, a);
          }};
}

} // namespace

std::vector<GradCase> structuralGradCases() {
  std::vector<GradCase> cs;
  cs.push_back({"matmul",
                {OpKind::Matmul},
                [](CaseGraph &c) {
                  int64_t m = c.rng().range(1, 3), k = c.rng().range(1, 3), n = c.rng().range(1, 3);
                  Shape batch = c.shape(0, 2, 3);
                  Shape a = c.broadcastable(batch), b = c.broadcastable(batch);
                  a.insert(a.end(), {m, k});
                  b.insert(b.end(), {k, n});
                  return c.op(OpKind::Matmul, {c.input(a), c.input(b)});
                },
                12});
  cs.push_back({"linear",
                {OpKind::Linear},
                [](CaseGraph &c) {
                  int64_t k = c.rng().range(1, 4), n = c.rng().range(1, 3);
                  Shape xs = c.shape(0, 2, 3);
                  xs.push_back(k);
                  std::vector<Node *> ins = {c.input(xs), c.input({n, k})};
                  if (c.rng().coin())
                    ins.push_back(c.input({n}));
                  return c.op(OpKind::Linear, ins);
                },
                12});
  for (OpKind k : {OpKind::Sum, OpKind::Mean, OpKind::Max, OpKind::Min}) {
    GradCase r = reduceCase(k);
    r.trials = 6;
    cs.push_back(r);
  }
  cs.push_back(softmaxCase(OpKind::Softmax));
  cs.push_back(softmaxCase(OpKind::LogSoftmax));

  for (OpKind k : {OpKind::Reshape, OpKind::View})
    cs.push_back({std::string(opName(k)), {k}, [k](CaseGraph &c) {
                    Node *x = c.input(c.shape(0, 3));
                    Attributes a;
                    a.set("shape", Ints{-1, 1});
                    return c.op(k, {x}, a);
                  }});
  cs.push_back({"transpose", {OpKind::Transpose}, [](CaseGraph &c) {
                  Node *x = c.input(c.shape(2, 4));
                  int64_t r = x->type().rank();
                  Attributes a;
                  a.set("dim0", c.rng().range(-r, r - 1));
                  a.set("dim1", c.rng().range(0, r - 1));
                  return c.op(OpKind::Transpose, {x}, a);
                }});
  cs.push_back({"permute", {OpKind::Permute}, [](CaseGraph &c) {
                  Node *x = c.input(c.shape(1, 4));
                  Ints dims(static_cast<size_t>(x->type().rank()));
                  std::iota(dims.begin(), dims.end(), 0);
                  for (size_t i = dims.size(); i > 1; --i)
                    std::swap(dims[i - 1],
                              dims[static_cast<size_t>(c.rng().range(0, int64_t(i) - 1))]);
                  Attributes a;
                  a.set("dims", dims);
                  return c.op(OpKind::Permute, {x}, a);
                }});
  cs.push_back({"broadcast_to", {OpKind::BroadcastTo}, [](CaseGraph &c) {
                  Shape s = c.shape(0, 3);
                  Attributes a;
                  a.set("shape", s);
                  return c.op(OpKind::BroadcastTo, {c.input(c.broadcastable(s))}, a);
                }});
  cs.push_back({"expand", {OpKind::Expand}, [](CaseGraph &c) {
                  Shape s = c.shape(1, 3);
                  Shape in = c.broadcastable(s);
                  Ints target = s;
                  for (size_t i = 0; i < in.size(); ++i) // -1 keeps an input dim
                    if (c.rng().coin(0.3))
                      target[s.size() - in.size() + i] = -1;
                  Attributes a;
                  a.set("shape", target);
                  return c.op(OpKind::Expand, {c.input(in)}, a);
                }});
  cs.push_back({"concat", {OpKind::Concat}, [](CaseGraph &c) {
                  Shape s = c.shape(1, 3);
                  int64_t axis = c.rng().range(0, int64_t(s.size()) - 1);
                  std::vector<Node *> parts;
                  for (int64_t i = c.rng().range(1, 3); i > 0; --i) {
                    Shape p = s;
                    p[size_t(axis)] = c.rng().range(1, 3);
                    parts.push_back(c.input(p));
                  }
                  Attributes a;
                  a.set("axis", c.rng().coin() ? axis : axis - int64_t(s.size()));
                  return c.op(OpKind::Concat, parts, a);
                }});
  cs.push_back({"slice",
                {OpKind::Slice},
                [](CaseGraph &c) {
                  Shape s = c.shape(1, 3, 6);
                  int64_t axis = c.rng().range(0, int64_t(s.size()) - 1), n = s[size_t(axis)];
                  Attributes a;
                  a.set("axis", axis);
                  if (c.rng().coin(0.8))
                    a.set("start", c.rng().range(-n - 1, n));
                  if (c.rng().coin(0.8))
                    a.set("end", c.rng().range(-n, n + 1));
                  if (c.rng().coin(0.7))
                    a.set("step", c.rng().range(1, 3));
                  return c.op(OpKind::Slice, {c.input(s)}, a);
                },
                16});
  for (OpKind k : {OpKind::ToTorch, OpKind::FromTorch})
    cs.push_back({std::string(opName(k)), {k}, [k](CaseGraph &c) {
                    return c.op(k, {c.input(c.shape(0, 3))});
                  }});
  return cs;
}

} // namespace duet::test
