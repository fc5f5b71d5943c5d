//===- frontend/ops_shape.cpp - contractions, reductions, movement --------===//
#include "frontend/ops.h"
#include "frontend/record.h"

namespace duet {

namespace {

Attributes reduceAttrs(const Axes &axes, bool keepdim) {
  Attributes a;
  if (!axes.empty())
    a.set("axes", axes);
  if (keepdim)
    a.set("keepdim", true);
  return a;
}

Attributes oneInt(const char *name, int64_t v) {
  Attributes a;
  a.set(name, v);
  return a;
}

Attributes oneInts(const char *name, const std::vector<int64_t> &v) {
  Attributes a;
  a.set(name, v);
  return a;
}

} // namespace

Tensor matmul(const Tensor &a, const Tensor &b) { return record(OpKind::Matmul, {a, b}); }

Tensor linear(const Tensor &x, const Tensor &weight, const Tensor &bias) {
  if (bias.defined())
    return record(OpKind::Linear, {x, weight, bias});
  return record(OpKind::Linear, {x, weight});
}

Tensor sum(const Tensor &x, const Axes &axes, bool keepdim) {
  return record(OpKind::Sum, {x}, reduceAttrs(axes, keepdim));
}
Tensor mean(const Tensor &x, const Axes &axes, bool keepdim) {
  return record(OpKind::Mean, {x}, reduceAttrs(axes, keepdim));
}
Tensor max(const Tensor &x, const Axes &axes, bool keepdim) {
  return record(OpKind::Max, {x}, reduceAttrs(axes, keepdim));
}
Tensor min(const Tensor &x, const Axes &axes, bool keepdim) {
  return record(OpKind::Min, {x}, reduceAttrs(axes, keepdim));
}

Tensor argmax(const Tensor &x, int64_t axis, bool keepdim) {
  Attributes a = oneInt("axis", axis);
  if (keepdim)
    a.set("keepdim", true);
  return record(OpKind::Argmax, {x}, std::move(a));
}

Tensor softmax(const Tensor &x, int64_t axis) {
  return record(OpKind::Softmax, {x}, oneInt("axis", axis));
}
Tensor log_softmax(const Tensor &x, int64_t axis) {
  return record(OpKind::LogSoftmax, {x}, oneInt("axis", axis));
}

Tensor reshape(const Tensor &x, const Shape &shape) {
  return record(OpKind::Reshape, {x}, oneInts("shape", shape));
}
Tensor view(const Tensor &x, const Shape &shape) {
  return record(OpKind::View, {x}, oneInts("shape", shape));
}

Tensor transpose(const Tensor &x, int64_t dim0, int64_t dim1) {
  Attributes a;
  a.set("dim0", dim0);
  a.set("dim1", dim1);
  return record(OpKind::Transpose, {x}, std::move(a));
}

Tensor permute(const Tensor &x, const Axes &dims) {
  return record(OpKind::Permute, {x}, oneInts("dims", dims));
}
Tensor broadcast_to(const Tensor &x, const Shape &shape) {
  return record(OpKind::BroadcastTo, {x}, oneInts("shape", shape));
}
Tensor expand(const Tensor &x, const Shape &shape) {
  return record(OpKind::Expand, {x}, oneInts("shape", shape));
}

Tensor concat(const std::vector<Tensor> &xs, int64_t axis) {
  if (xs.empty())
    throw Error("concat: needs at least one tensor");
  return record(OpKind::Concat, xs, oneInt("axis", axis));
}

Tensor slice(const Tensor &x, int64_t axis, int64_t start, int64_t end, int64_t step) {
  Attributes a;
  a.set("axis", axis);
  a.set("start", start);
  if (end != std::numeric_limits<int64_t>::max())
    a.set("end", end);
  if (step != 1)
    a.set("step", step);
  return record(OpKind::Slice, {x}, std::move(a));
}

} // namespace duet
