//===- passes/grad_rules_movement.cpp - gradients of data movement --------===//
//
// Movement ops only route values, so their gradients route the incoming
// gradient back: the inverse reshape or permutation, a sum over broadcast
// axes, slices of a concatenation, and for a slice the gradient placed at
// the sliced positions with zeros elsewhere (built from reshape and concat
// with zero constants, which is exact for any step).
//
#include "passes/grad_rules.h"

#include <algorithm>

namespace duet::grad {

namespace {

using Needs = std::vector<bool>;

int64_t axisOf(const Node &n, const char *attr, int64_t def, int64_t rank) {
  return normalizeAxis(n.attrs().getInt(attr, def), std::max<int64_t>(rank, 1));
}

/// Python's clamped slice bound (as the slice shape rule).
int64_t clampIndex(int64_t i, int64_t n) {
  if (i < 0)
    i = i < -n ? 0 : i + n;
  return std::min(i, n);
}

} // namespace

Grads reshapeGrad(GradBuilder &b, Node *n, Node *g, const Needs &) {
  return {b.reshape(g, n->input(0)->shape())};
}

Grads transposeGrad(GradBuilder &b, Node *n, Node *g, const Needs &) {
  return {b.transpose(g, n->attrs().getInt("dim0"), n->attrs().getInt("dim1"))};
}

Grads permuteGrad(GradBuilder &b, Node *n, Node *g, const Needs &) {
  std::vector<int64_t> dims = n->attrs().getInts("dims"), inverse(dims.size());
  const int64_t rank = static_cast<int64_t>(dims.size());
  for (int64_t i = 0; i < rank; ++i)
    inverse[static_cast<size_t>(normalizeAxis(dims[static_cast<size_t>(i)], rank))] = i;
  Attributes a;
  a.set("dims", inverse);
  return {b.op(OpKind::Permute, {g}, std::move(a))};
}

Grads broadcastGrad(GradBuilder &b, Node *n, Node *g, const Needs &) {
  return {b.sumToShape(g, n->input(0)->shape())};
}

Grads concatGrad(GradBuilder &b, Node *n, Node *g, const Needs &need) {
  const int64_t rank = static_cast<int64_t>(n->shape().size());
  const int64_t axis = axisOf(*n, "axis", 0, rank);
  Grads r(n->numInputs(), nullptr);
  int64_t offset = 0;
  for (size_t i = 0; i < n->numInputs(); ++i) {
    int64_t len = n->input(i)->shape()[static_cast<size_t>(axis)];
    if (need[i]) {
      Attributes a;
      a.set("axis", axis);
      a.set("start", offset);
      a.set("end", offset + len);
      r[i] = b.op(OpKind::Slice, {g}, std::move(a));
    }
    offset += len;
  }
  return r;
}

Grads sliceGrad(GradBuilder &b, Node *n, Node *g, const Needs &) {
  const TensorType &xt = n->input(0)->type();
  const int64_t axis = axisOf(*n, "axis", 0, xt.rank());
  const size_t ax = static_cast<size_t>(axis);
  const int64_t size = xt.shape[ax], count = g->shape()[ax];
  const int64_t step = n->attrs().getInt("step", 1);
  const int64_t start = clampIndex(n->attrs().getInt("start", 0), size);
  if (count == 0)
    return {b.zeros(xt)};
  Node *spread = g;
  int64_t span = count; // extent covered by `spread` along the axis
  if (step > 1) {
    // [.., count, ..] -> [.., count, 1, ..] ++ zeros [.., count, step-1, ..]
    // -> [.., count*step, ..], then drop the zeros after the last element.
    Shape split = g->shape();
    split.insert(split.begin() + axis + 1, 1);
    Node *col = b.reshape(g, split);
    split[ax + 1] = step - 1;
    Node *wide = b.concat({col, b.zeros({xt.dtype, split})}, axis + 1);
    Shape merged = g->shape();
    merged[ax] = count * step;
    span = (count - 1) * step + 1;
    Attributes a;
    a.set("axis", axis);
    a.set("end", span);
    spread = b.op(OpKind::Slice, {b.reshape(wide, merged)}, std::move(a));
  }
  auto zerosAlong = [&](int64_t len) -> Node * {
    if (len <= 0)
      return nullptr;
    Shape s = xt.shape;
    s[ax] = len;
    return b.zeros({xt.dtype, s});
  };
  return {b.concat({zerosAlong(start), spread, zerosAlong(size - start - span)}, axis)};
}

} // namespace duet::grad
