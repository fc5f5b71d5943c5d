//===- tests/torch/op_cases_structural.cpp - differential cases: the rest ===//
//
// Contractions, reductions, softmax, data movement, convolution/pooling,
// normalization, indexing and losses on random shapes and attributes.
// Invalid random configurations (a window that does not fit...) make
// addChecked throw; the harness then draws another.
//
#include "tests/torch/case_builder.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace duet::test {
namespace {

using Nodes = std::vector<Node *>;
using Ints = std::vector<int64_t>;
const std::vector<DType> kFloats = {DType::F32, DType::F64};
const std::vector<DType> kNumeric = {DType::F32, DType::F64, DType::I64};

std::string dn(DType t) { return std::string(dtypeName(t)); }

/// A random axis of a rank-r tensor, negative half of the time.
int64_t randomAxis(CaseBuilder &b, int64_t rank) {
  int64_t ax = b.rng().range(0, std::max<int64_t>(rank, 1) - 1);
  return b.rng().coin() ? ax - std::max<int64_t>(rank, 1) : ax;
}

void add(std::vector<OpCase> &cs, std::string name, std::function<Nodes(CaseBuilder &)> f,
         double tol = 1.0) {
  cs.push_back({std::move(name), std::move(f), tol});
}

void contractionCases(std::vector<OpCase> &cs) {
  for (DType t : kNumeric)
    add(
        cs, "matmul_" + dn(t),
        [t](CaseBuilder &b) {
          Shape batch = b.shape(0, 2, 3, 0.05);
          int64_t m = b.rng().range(0, 5), k = b.rng().range(0, 6), n = b.rng().range(1, 5);
          Shape sa = b.broadcastable(batch), sb = b.broadcastable(batch);
          sa.insert(sa.end(), {m, k});
          sb.insert(sb.end(), {k, n});
          return Nodes{b.op(OpKind::Matmul, {b.input(t, sa), b.input(t, sb)})};
        },
        2.0);
  for (DType t : kNumeric)
    add(
        cs, "linear_" + dn(t),
        [t](CaseBuilder &b) {
          int64_t k = b.rng().range(1, 6), n = b.rng().range(1, 5);
          Shape sx = b.shape(0, 2, 3, 0.05);
          sx.push_back(k);
          Nodes ins = {b.input(t, sx), b.input(t, {n, k})};
          if (b.rng().coin())
            ins.push_back(b.input(t, {n}));
          return Nodes{b.op(OpKind::Linear, ins)};
        },
        2.0);
}

void reductionCases(std::vector<OpCase> &cs) {
  struct R {
    OpKind op;
    std::vector<DType> dtypes;
  };
  for (const R &r : {R{OpKind::Sum, kNumeric}, R{OpKind::Mean, kFloats}, R{OpKind::Max, kNumeric},
                     R{OpKind::Min, kNumeric}})
    for (DType t : r.dtypes)
      add(
          cs, fmt::format("{}_{}", opName(r.op), dn(t)),
          [r, t](CaseBuilder &b) {
            Shape s = b.shape(0, 4, 5, 0.08);
            Ints axes;
            for (int64_t d = 0; d < static_cast<int64_t>(s.size()); ++d)
              if (b.rng().coin(0.4))
                axes.push_back(b.rng().coin() ? d - static_cast<int64_t>(s.size()) : d);
            Attributes a;
            if (!axes.empty() || b.rng().coin())
              a.set("axes", axes);
            if (b.rng().coin())
              a.set("keepdim", b.rng().coin());
            return Nodes{b.op(r.op, {b.input(t, s, Fill::Mixed)}, a)};
          },
          2.0);
  for (DType t : kNumeric)
    add(cs, "argmax_" + dn(t), [t](CaseBuilder &b) {
      Shape s = b.shape(0, 4, 5);
      Attributes a;
      a.set("axis", randomAxis(b, static_cast<int64_t>(s.size())));
      if (b.rng().coin())
        a.set("keepdim", b.rng().coin());
      // Mixed values repeat, so ties test "first maximum".
      return Nodes{b.op(OpKind::Argmax, {b.input(t, s, Fill::Mixed)}, a)};
    });
  for (OpKind k : {OpKind::Softmax, OpKind::LogSoftmax})
    for (DType t : kFloats)
      add(cs, fmt::format("{}_{}", opName(k), dn(t)), [k, t](CaseBuilder &b) {
        Shape s = b.shape(0, 4, 6, 0.05);
        Attributes a;
        if (b.rng().coin(0.7))
          a.set("axis", randomAxis(b, static_cast<int64_t>(s.size())));
        return Nodes{b.op(k, {b.input(t, s)}, a)};
      });
}

/// A shape with the same number of elements as `s` (dims shuffled, merged
/// and padded with 1s), with one dim replaced by -1 sometimes.
Ints reshapeTarget(CaseBuilder &b, const Shape &s) {
  Ints t = s;
  for (size_t i = 0; i + 1 < t.size(); ++i)
    if (b.rng().coin(0.3)) {
      t[i] *= t[i + 1];
      t.erase(t.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    }
  if (b.rng().coin(0.3))
    t.insert(t.begin() + b.rng().range(0, static_cast<int64_t>(t.size())), 1);
  for (size_t i = t.size(); i > 1; --i)
    std::swap(t[i - 1], t[static_cast<size_t>(b.rng().range(0, static_cast<int64_t>(i) - 1))]);
  if (!t.empty() && numel(s) > 0 && b.rng().coin())
    t[static_cast<size_t>(b.rng().range(0, static_cast<int64_t>(t.size()) - 1))] = -1;
  return t;
}

void movementCases(std::vector<OpCase> &cs) {
  for (OpKind k : {OpKind::Reshape, OpKind::View})
    add(cs, fmt::format("{}_f32", opName(k)), [k](CaseBuilder &b) {
      Shape s = b.shape(0, 4, 4, 0.05);
      Attributes a;
      a.set("shape", reshapeTarget(b, s));
      return Nodes{b.op(k, {b.input(DType::F32, s)}, a)};
    });
  // A strided (transposed) value reshaped inside the region.
  add(cs, "reshape_after_transpose_f64", [](CaseBuilder &b) {
    Shape s = b.shape(2, 4, 4);
    Attributes t;
    t.set("dim0", int64_t{0});
    t.set("dim1", static_cast<int64_t>(s.size()) - 1);
    Node *x = b.op(OpKind::Transpose, {b.input(DType::F64, s)}, t);
    Attributes r;
    r.set("shape", reshapeTarget(b, x->shape()));
    return Nodes{b.op(OpKind::Reshape, {x}, r)};
  });
  for (DType t : {DType::F32, DType::I64, DType::Bool})
    add(cs, "transpose_" + dn(t), [t](CaseBuilder &b) {
      Shape s = b.shape(1, 4, 4, 0.05);
      Attributes a;
      a.set("dim0", randomAxis(b, static_cast<int64_t>(s.size())));
      a.set("dim1", randomAxis(b, static_cast<int64_t>(s.size())));
      return Nodes{b.op(OpKind::Transpose, {b.input(t, s)}, a)};
    });
  for (DType t : {DType::F64, DType::I64})
    add(cs, "permute_" + dn(t), [t](CaseBuilder &b) {
      Shape s = b.shape(0, 4, 4, 0.05);
      Ints dims(s.size());
      std::iota(dims.begin(), dims.end(), int64_t{0});
      for (size_t i = dims.size(); i > 1; --i)
        std::swap(dims[i - 1], dims[static_cast<size_t>(b.rng().range(0, int64_t(i) - 1))]);
      Attributes a;
      a.set("dims", dims);
      return Nodes{b.op(OpKind::Permute, {b.input(t, s)}, a)};
    });
  for (OpKind k : {OpKind::BroadcastTo, OpKind::Expand})
    for (DType t : {DType::F32, DType::Bool})
      add(cs, fmt::format("{}_{}", opName(k), dn(t)), [k, t](CaseBuilder &b) {
        Shape target = b.shape(0, 4, 4, 0.05);
        Shape s = b.broadcastable(target);
        Ints shape = target;
        size_t lead = target.size() - s.size();
        if (k == OpKind::Expand) // -1 keeps the input's own dim
          for (size_t i = 0; i < s.size(); ++i)
            if (s[i] == target[lead + i] && b.rng().coin())
              shape[lead + i] = -1;
        Attributes a;
        a.set("shape", shape);
        return Nodes{b.op(k, {b.input(t, s)}, a)};
      });
  for (DType t : {DType::F32, DType::I64})
    add(cs, "concat_" + dn(t), [t](CaseBuilder &b) {
      Shape s = b.shape(1, 3, 4);
      int64_t axis = randomAxis(b, static_cast<int64_t>(s.size()));
      size_t ax = static_cast<size_t>(axis < 0 ? axis + static_cast<int64_t>(s.size()) : axis);
      Nodes ins;
      for (int64_t i = 0, n = b.rng().range(1, 3); i < n; ++i) {
        Shape si = s;
        si[ax] = b.rng().range(0, 4);
        ins.push_back(b.input(t, si));
      }
      Attributes a;
      if (axis != 0 || b.rng().coin())
        a.set("axis", axis);
      return Nodes{b.op(OpKind::Concat, ins, a)};
    });
  for (DType t : {DType::F32, DType::I64})
    add(cs, "slice_" + dn(t), [t](CaseBuilder &b) {
      Shape s = b.shape(1, 3, 6, 0.05);
      int64_t axis = randomAxis(b, static_cast<int64_t>(s.size()));
      int64_t n = s[static_cast<size_t>(axis < 0 ? axis + int64_t(s.size()) : axis)];
      Attributes a;
      a.set("axis", axis);
      if (b.rng().coin(0.7))
        a.set("start", b.rng().range(-n - 2, n + 2));
      if (b.rng().coin(0.7))
        a.set("end", b.rng().range(-n - 2, n + 2));
      if (b.rng().coin(0.6))
        a.set("step", b.rng().range(1, 3));
      return Nodes{b.op(OpKind::Slice, {b.input(t, s)}, a)};
    });
}

/// NaN/inf inputs through reductions: max/min propagate NaN, argmax returns
/// the first NaN, as torch does.
void specialValueCases(std::vector<OpCase> &cs) {
  for (OpKind k : {OpKind::Max, OpKind::Min, OpKind::Sum, OpKind::Argmax, OpKind::Softmax})
    add(cs, fmt::format("{}_f64_nan_inf", opName(k)), [k](CaseBuilder &b) {
      Shape s = b.shape(1, 3, 5);
      Attributes a;
      if (k == OpKind::Argmax || k == OpKind::Softmax)
        a.set("axis", randomAxis(b, static_cast<int64_t>(s.size())));
      else
        a.set("axes", Ints{randomAxis(b, static_cast<int64_t>(s.size()))});
      return Nodes{b.op(k, {b.input(DType::F64, s, Fill::WithNaN)}, a)};
    });
}

/// Several ops in one region, where torch sees strided intermediates that
/// the pure interpreter gets as contiguous buffers.
void chainCases(std::vector<OpCase> &cs) {
  add(
      cs, "transpose_then_matmul_f32",
      [](CaseBuilder &b) {
        int64_t m = b.rng().range(1, 5), k = b.rng().range(1, 5), n = b.rng().range(1, 5);
        Attributes t;
        t.set("dim0", int64_t{-1});
        t.set("dim1", int64_t{-2});
        Node *a = b.op(OpKind::Transpose, {b.input(DType::F32, {2, k, m})}, t);
        return Nodes{b.op(OpKind::Matmul, {a, b.input(DType::F32, {k, n})})};
      },
      2.0);
  add(cs, "expand_then_sum_and_softmax_f64", [](CaseBuilder &b) {
    Attributes e;
    e.set("shape", Ints{3, 4, 5});
    Node *x = b.op(OpKind::Expand, {b.input(DType::F64, {4, 1})}, e);
    Attributes r;
    r.set("axes", Ints{0, 2});
    Node *s = b.op(OpKind::Sum, {x}, r);
    Attributes sm;
    sm.set("axis", int64_t{1});
    return Nodes{s, b.op(OpKind::Softmax, {x}, sm)};
  });
  add(
      cs, "slice_step_then_conv2d_f32",
      [](CaseBuilder &b) {
        Attributes sl;
        sl.set("axis", int64_t{3});
        sl.set("step", int64_t{2});
        Node *x = b.op(OpKind::Slice, {b.input(DType::F32, {2, 3, 6, 9})}, sl);
        Node *w = b.input(DType::F32, {4, 3, 3, 2});
        Attributes p;
        p.set("dims", Ints{0, 1, 3, 2});
        Node *y = b.op(OpKind::Conv2d, {x, w});
        return Nodes{b.op(OpKind::Permute, {y}, p), y};
      },
      4.0);
}

} // namespace

std::vector<OpCase> structuralCases() {
  std::vector<OpCase> cs;
  contractionCases(cs);
  reductionCases(cs);
  movementCases(cs);
  specialValueCases(cs);
  chainCases(cs);
  return cs;
}

} // namespace duet::test
