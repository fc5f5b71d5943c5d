//===- backends/pure/movement.cpp - reshape, transpose, slice, concat ... -===//
//
// Every movement op is a strided view of the input (a permutation of the
// strides, zero strides for broadcast dims, an offset and scaled stride for
// a slice) copied into the contiguous output by stridedCopy. Any dtype.
//

#include "backends/pure/common.h"
#include "backends/pure/kernels.h"
#include "backends/pure/strided.h"

#include <cstring>

namespace duet::pure {

namespace {

int64_t axisAttr(const Node &node, std::string_view name, int64_t def, int64_t rank) {
  int64_t axis = node.attrs().getInt(name, def);
  if (axis < -rank || axis >= rank)
    fail(node, "attribute '" + std::string(name) + "' = " + std::to_string(axis) +
                   " out of range for rank " + std::to_string(rank));
  return axis < 0 ? axis + rank : axis;
}

/// Python slice bound: negative counts from the end, then clamp to [0, dim].
int64_t sliceBound(int64_t v, int64_t dim) {
  if (v < 0)
    v = v < -dim ? 0 : v + dim;
  return v > dim ? dim : v;
}

} // namespace

void runMovement(const Node &node, Inputs in, Buffer &out) {
  const Buffer &x = in[0];
  const Shape &shape = x.shape();
  const int64_t rank = static_cast<int64_t>(shape.size());
  const size_t elem = dtypeSize(x.dtype());
  std::vector<int64_t> strides = contiguousStrides(shape);
  int64_t offset = 0;
  switch (node.op()) {
  case OpKind::Reshape:
  case OpKind::View:
    if (x.numel() != out.numel())
      fail(node, "cannot reshape " + x.type().str() + " to " + out.type().str());
    if (out.nbytes() > 0)
      std::memcpy(out.raw(), x.raw(), out.nbytes());
    return;
  case OpKind::Transpose: {
    int64_t d0 = axisAttr(node, "dim0", 0, rank), d1 = axisAttr(node, "dim1", 0, rank);
    std::swap(strides[size_t(d0)], strides[size_t(d1)]);
    break;
  }
  case OpKind::Permute: {
    std::vector<int64_t> dims = node.attrs().getInts("dims");
    if (int64_t(dims.size()) != rank)
      fail(node, "'dims' must list all " + std::to_string(rank) + " axes");
    std::vector<int64_t> permuted(static_cast<size_t>(rank));
    std::vector<bool> seen(size_t(rank), false);
    for (size_t i = 0; i < dims.size(); ++i) {
      int64_t d = dims[i] < 0 ? dims[i] + rank : dims[i];
      if (d < 0 || d >= rank || seen[size_t(d)])
        fail(node, "'dims' is not a permutation of the " + std::to_string(rank) + " axes");
      seen[size_t(d)] = true;
      permuted[i] = strides[size_t(d)];
    }
    strides = permuted;
    break;
  }
  case OpKind::BroadcastTo:
  case OpKind::Expand: strides = broadcastStrides(shape, out.shape()); break;
  case OpKind::Slice: {
    int64_t axis = axisAttr(node, "axis", 0, rank);
    int64_t step = node.attrs().getInt("step", 1);
    if (step <= 0)
      fail(node, "'step' must be positive, got " + std::to_string(step));
    int64_t dim = shape[size_t(axis)];
    int64_t start = sliceBound(node.attrs().getInt("start", 0), dim);
    int64_t end = sliceBound(node.attrs().getInt("end", std::numeric_limits<int64_t>::max()), dim);
    int64_t len = end > start ? (end - start + step - 1) / step : 0;
    if (out.shape()[size_t(axis)] != len)
      fail(node, "result type " + out.type().str() + " does not match the slice length " +
                     std::to_string(len));
    offset = start * strides[size_t(axis)];
    strides[size_t(axis)] *= step;
    break;
  }
  default: fail(node, "not a movement op");
  }
  stridedCopy(out.raw(), x.raw(), elem, out.shape(), strides, offset);
}

void runConcat(const Node &node, Inputs in, Buffer &out) {
  const Shape &so = out.shape();
  const int64_t rank = static_cast<int64_t>(so.size());
  const size_t axis = size_t(axisAttr(node, "axis", 0, rank));
  const size_t elem = dtypeSize(out.dtype());
  const int64_t outer = prod(so, 0, axis), inner = prod(so, axis + 1, so.size());
  const int64_t outRow = so[axis] * inner; // elements per outer index in out
  char *dst = static_cast<char *>(out.raw());
  int64_t at = 0; // element offset of this input's block within an out row
  for (const Buffer &b : in) {
    if (b.dtype() != out.dtype() || b.shape().size() != so.size())
      fail(node, "operand " + b.type().str() + " does not fit result " + out.type().str());
    const int64_t row = b.shape()[axis] * inner;
    const char *src = static_cast<const char *>(b.raw());
    for (int64_t o = 0; o < outer && row > 0; ++o)
      std::memcpy(dst + size_t(o * outRow + at) * elem, src + size_t(o * row) * elem,
                  size_t(row) * elem);
    at += row;
  }
}

} // namespace duet::pure
