//===- frontend/import/aten_ops_shape.cpp - views, lists and sizes --------===//
#include "frontend/import/aten_ops.h"

#include "ir/error.h"

#include <limits>

namespace duet::import {

namespace {

Node *reshapeTo(Converter &c, Node *x, Shape shape, OpKind k = OpKind::Reshape) {
  Attributes a;
  a.set("shape", std::move(shape));
  return c.add(k, {x}, std::move(a));
}

ImportValue identity(Converter &c, const TsNode &n) { return c.tensor(n.input(0)); }

/// dropout(x, p, train): identity in eval; training-mode dropout is random.
ImportValue dropout(Converter &c, const TsNode &n) {
  if (c.b(n.input(2)))
    throw Error("dropout in training mode is not supported (import an eval() module)");
  return c.tensor(n.input(0));
}

OpMapper reshape(OpKind k) {
  return [k](Converter &c, const TsNode &n) -> ImportValue {
    return reshapeTo(c, c.tensor(n.input(0)), c.ints(n.input(1)), k);
  };
}

ImportValue reshapeAs(Converter &c, const TsNode &n) {
  return reshapeTo(c, c.tensor(n.input(0)), c.tensor(n.input(1))->shape());
}

ImportValue flatten(Converter &c, const TsNode &n) {
  Node *x = c.tensor(n.input(0));
  int64_t rank = std::max<int64_t>(x->type().rank(), 1);
  int64_t start = normalizeAxis(c.i(n.input(1)), rank), end = normalizeAxis(c.i(n.input(2)), rank);
  Shape out(x->shape().begin(), x->shape().begin() + start);
  int64_t merged = 1;
  for (int64_t d = start; d <= end && d < x->type().rank(); ++d)
    merged *= x->shape()[d];
  out.push_back(merged);
  out.insert(out.end(), x->shape().begin() + std::min(end + 1, x->type().rank()), x->shape().end());
  return reshapeTo(c, x, out);
}

ImportValue unsqueeze(Converter &c, const TsNode &n) {
  Node *x = c.tensor(n.input(0));
  Shape s = x->shape();
  int64_t d = normalizeAxis(c.i(n.input(1)), x->type().rank() + 1);
  s.insert(s.begin() + d, 1);
  return reshapeTo(c, x, s);
}

/// squeeze(x) drops every size-1 dim, squeeze(x, d) only d (if it is 1).
ImportValue squeeze(Converter &c, const TsNode &n) {
  Node *x = c.tensor(n.input(0));
  int64_t only = n.inputs().size() > 1 ? normalizeAxis(c.i(n.input(1)), x->type().rank()) : -1;
  Shape s;
  for (int64_t d = 0; d < x->type().rank(); ++d)
    if (x->shape()[d] != 1 || (only >= 0 && d != only))
      s.push_back(x->shape()[d]);
  return reshapeTo(c, x, s);
}

ImportValue transpose(Converter &c, const TsNode &n) {
  Node *x = c.tensor(n.input(0));
  Attributes a;
  a.set("dim0", normalizeAxis(c.i(n.input(1)), x->type().rank()));
  a.set("dim1", normalizeAxis(c.i(n.input(2)), x->type().rank()));
  return c.add(OpKind::Transpose, {x}, std::move(a));
}

ImportValue t(Converter &c, const TsNode &n) {
  Node *x = c.tensor(n.input(0));
  if (x->type().rank() < 2)
    return x;
  Attributes a;
  a.set("dim0", int64_t(0));
  a.set("dim1", int64_t(1));
  return c.add(OpKind::Transpose, {x}, std::move(a));
}

ImportValue permute(Converter &c, const TsNode &n) {
  Attributes a;
  a.set("dims", c.ints(n.input(1)));
  return c.add(OpKind::Permute, {c.tensor(n.input(0))}, std::move(a));
}

ImportValue expand(Converter &c, const TsNode &n) {
  Attributes a;
  a.set("shape", c.ints(n.input(1)));
  return c.add(OpKind::Expand, {c.tensor(n.input(0))}, std::move(a));
}

ImportValue expandAs(Converter &c, const TsNode &n) {
  Attributes a;
  a.set("shape", c.tensor(n.input(1))->shape());
  return c.add(OpKind::BroadcastTo, {c.tensor(n.input(0))}, std::move(a));
}

ImportValue cat(Converter &c, const TsNode &n) {
  Attributes a;
  a.set("axis", c.i(n.input(1)));
  return c.add(OpKind::Concat, c.tensors(n.input(0)), std::move(a));
}

Node *sliceOf(Converter &c, Node *x, int64_t axis, int64_t start, int64_t end, int64_t step) {
  Attributes a;
  a.set("axis", axis);
  a.set("start", start);
  a.set("end", end);
  a.set("step", step);
  return c.add(OpKind::Slice, {x}, std::move(a));
}

/// slice(x, dim, start=None, end=None, step=1).
ImportValue slice(Converter &c, const TsNode &n) {
  Node *x = c.tensor(n.input(0));
  int64_t start = c.isNone(n.input(2)) ? 0 : c.i(n.input(2));
  int64_t end = c.isNone(n.input(3)) ? std::numeric_limits<int64_t>::max() : c.i(n.input(3));
  return sliceOf(c, x, normalizeAxis(c.i(n.input(1)), x->type().rank()), start, end,
                 c.i(n.input(4)));
}

/// select(x, dim, i): the slice [i, i+1) with the dim dropped.
ImportValue select(Converter &c, const TsNode &n) {
  Node *x = c.tensor(n.input(0));
  int64_t axis = normalizeAxis(c.i(n.input(1)), x->type().rank());
  int64_t size = x->shape()[axis], index = c.i(n.input(2));
  if (index < -size || index >= size)
    throw Error("select index " + std::to_string(index) + " is out of range for size " +
                std::to_string(size));
  index = index < 0 ? index + size : index;
  Shape s = x->shape();
  s.erase(s.begin() + axis);
  return reshapeTo(c, sliceOf(c, x, axis, index, index + 1, 1), s);
}

/// Consecutive pieces of `piece` elements along `axis` (the last may be short).
NodeList pieces(Converter &c, Node *x, int64_t axis, int64_t piece) {
  NodeList out;
  for (int64_t at = 0; at < x->shape()[axis]; at += piece)
    out.push_back(sliceOf(c, x, axis, at, std::min(at + piece, x->shape()[axis]), 1));
  return out;
}

ImportValue chunk(Converter &c, const TsNode &n) {
  Node *x = c.tensor(n.input(0));
  int64_t axis = normalizeAxis(c.i(n.input(2)), x->type().rank()), chunks = c.i(n.input(1));
  return pieces(c, x, axis, (x->shape()[axis] + chunks - 1) / std::max<int64_t>(chunks, 1));
}

ImportValue split(Converter &c, const TsNode &n) {
  Node *x = c.tensor(n.input(0));
  if (!c.constant(n.input(1)).isInt())
    throw Error("split with a list of sizes is not supported");
  return pieces(c, x, normalizeAxis(c.i(n.input(2)), x->type().rank()), c.i(n.input(1)));
}

/// size(x, dim) / size(x), dim(x), numel(x): static, shapes are known.
ImportValue size(Converter &c, const TsNode &n) {
  Node *x = c.tensor(n.input(0));
  if (n.inputs().size() == 1)
    return c10::IValue(std::vector<int64_t>(x->shape()));
  return c10::IValue(x->shape()[normalizeAxis(c.i(n.input(1)), x->type().rank())]);
}

ImportValue tensorList(Converter &c, const TsNode &n) {
  NodeList out;
  for (const TsValue *v : n.inputs())
    out.push_back(c.tensor(v));
  return out;
}

} // namespace

void addShapeMappers(OpMappers &m) {
  for (const char *name : {"aten::contiguous", "aten::detach", "aten::clone"})
    m[name] = identity;
  for (const char *name : {"aten::dropout", "aten::feature_dropout", "aten::alpha_dropout"})
    m[name] = dropout;
  m["aten::reshape"] = reshape(OpKind::Reshape);
  m["aten::view"] = reshape(OpKind::View);
  m["aten::reshape_as"] = reshapeAs;
  m["aten::view_as"] = reshapeAs;
  m["aten::flatten"] = flatten;
  m["aten::unsqueeze"] = unsqueeze;
  m["aten::squeeze"] = squeeze;
  m["aten::transpose"] = transpose;
  m["aten::t"] = t;
  m["aten::permute"] = permute;
  m["aten::expand"] = expand;
  m["aten::expand_as"] = expandAs;
  m["aten::cat"] = cat;
  m["aten::concat"] = cat;
  m["aten::slice"] = slice;
  m["aten::select"] = select;
  m["aten::chunk"] = chunk;
  m["aten::split"] = split;
  m["aten::size"] = size;
  m["aten::dim"] = [](Converter &c, const TsNode &n) -> ImportValue {
    return c10::IValue(c.tensor(n.input(0))->type().rank());
  };
  m["aten::numel"] = [](Converter &c, const TsNode &n) -> ImportValue {
    return c10::IValue(c.tensor(n.input(0))->type().numel());
  };
  m["prim::ListConstruct"] = tensorList;
  m["prim::TupleConstruct"] = tensorList;
}

} // namespace duet::import
