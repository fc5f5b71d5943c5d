//===- passes/grad_builder.cpp - the algebra gradient rules share ---------===//
#include "passes/grad_rules.h"

#include "ir/error.h"

#include <algorithm>

namespace duet::grad {

Node *GradBuilder::op(OpKind k, std::vector<Node *> ins, Attributes attrs) {
  return g_.addChecked(k, std::move(ins), std::move(attrs));
}

Node *GradBuilder::scalar(double value, DType t) { return constant(TensorType{t, {}}, {value}); }

Node *GradBuilder::constant(const TensorType &t, std::vector<double> values) {
  Attributes a;
  a.set("value", std::move(values));
  return g_.addNode(OpKind::Constant, {}, std::move(a), t);
}

Node *GradBuilder::cast(Node *x, DType t) {
  if (x->dtype() == t)
    return x;
  Attributes a;
  a.set("dtype", std::string(dtypeName(t)));
  return op(OpKind::Cast, {x}, std::move(a));
}

Node *GradBuilder::reshape(Node *x, const Shape &s) {
  if (x->shape() == s)
    return x;
  Attributes a;
  a.set("shape", s);
  return op(OpKind::Reshape, {x}, std::move(a));
}

Node *GradBuilder::broadcastTo(Node *x, const Shape &s) {
  if (x->shape() == s)
    return x;
  Attributes a;
  a.set("shape", s);
  return op(OpKind::BroadcastTo, {x}, std::move(a));
}

Node *GradBuilder::transpose(Node *x, int64_t dim0, int64_t dim1) {
  Attributes a;
  a.set("dim0", dim0);
  a.set("dim1", dim1);
  return op(OpKind::Transpose, {x}, std::move(a));
}

Node *GradBuilder::sum(Node *x, std::vector<int64_t> axes, bool keepdim) {
  Attributes a;
  a.set("axes", std::move(axes));
  a.set("keepdim", keepdim);
  return op(OpKind::Sum, {x}, std::move(a));
}

Node *GradBuilder::mean(Node *x, std::vector<int64_t> axes, bool keepdim) {
  Attributes a;
  a.set("axes", std::move(axes));
  a.set("keepdim", keepdim);
  return op(OpKind::Mean, {x}, std::move(a));
}

Node *GradBuilder::sumToShape(Node *g, const Shape &target) {
  const Shape &gs = g->shape();
  if (gs == target)
    return g;
  if (gs.size() < target.size())
    throw Error("autodiff: cannot reduce a gradient of shape " + shapeToString(gs) + " to " +
                shapeToString(target));
  const size_t lead = gs.size() - target.size();
  std::vector<int64_t> axes;
  for (size_t i = 0; i < gs.size(); ++i)
    if (i < lead || (target[i - lead] == 1 && gs[i] != 1))
      axes.push_back(static_cast<int64_t>(i));
  // An empty axis list would mean "all axes" to `sum`.
  Node *r = axes.empty() ? g : sum(g, axes, true);
  return reshape(r, target);
}

Node *GradBuilder::padTo(Node *x, const Shape &target) {
  for (size_t d = 0; d < target.size(); ++d) {
    Shape have = x->shape();
    if (have[d] == target[d])
      continue;
    Shape rest = have;
    rest[d] = target[d] - have[d];
    x = concat({x, zeros({x->dtype(), rest})}, static_cast<int64_t>(d));
  }
  return x;
}

Node *GradBuilder::concat(std::vector<Node *> parts, int64_t axis) {
  parts.erase(std::remove(parts.begin(), parts.end(), nullptr), parts.end());
  if (parts.size() == 1)
    return parts[0];
  Attributes a;
  a.set("axis", axis);
  return op(OpKind::Concat, std::move(parts), std::move(a));
}

std::vector<int64_t> reductionAxes(const Node &n, int64_t rank) {
  std::vector<int64_t> axes = n.attrs().getInts("axes", {});
  if (axes.empty())
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  for (int64_t &a : axes)
    a = normalizeAxis(a, std::max<int64_t>(rank, 1));
  std::sort(axes.begin(), axes.end());
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  return axes;
}

Shape keepdimShape(Shape shape, const std::vector<int64_t> &axes) {
  for (int64_t a : axes)
    if (a < static_cast<int64_t>(shape.size()))
      shape[static_cast<size_t>(a)] = 1;
  return shape;
}

} // namespace duet::grad
