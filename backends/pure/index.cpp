//===- backends/pure/index.cpp - embedding and gather ---------------------===//
//
// Indices are user data: every one is range-checked and a bad one is a
// duet::Error naming the node, the index and where it sits.
//

#include "backends/pure/common.h"
#include "backends/pure/kernels.h"
#include "backends/pure/strided.h"

#include <cstring>

namespace duet::pure {

void runEmbedding(const Node &node, Inputs in, Buffer &out) {
  const Buffer &idx = in[0], &weight = in[1];
  if (idx.dtype() != DType::I64)
    unsupportedDType(node, idx.dtype());
  if (weight.shape().size() != 2)
    fail(node, "weight must be [V, D], got " + weight.type().str());
  const int64_t vocab = weight.shape()[0], dim = weight.shape()[1];
  const size_t rowBytes = size_t(dim) * dtypeSize(weight.dtype());
  const int64_t *ids = idx.data<int64_t>();
  const char *w = static_cast<const char *>(weight.raw());
  char *y = static_cast<char *>(out.raw());
  for (int64_t i = 0; i < idx.numel(); ++i) {
    const int64_t id = ids[i];
    if (id < 0 || id >= vocab)
      fail(node, "index " + std::to_string(id) + " out of range [0, " + std::to_string(vocab) +
                     ") at position " + std::to_string(i) + " of indices " + idx.type().str());
    if (rowBytes > 0)
      std::memcpy(y + size_t(i) * rowBytes, w + size_t(id) * rowBytes, rowBytes);
  }
}

void runGather(const Node &node, Inputs in, Buffer &out) {
  const Buffer &x = in[0], &idx = in[1];
  const Shape &xs = x.shape(), &is = idx.shape();
  const int64_t rank = static_cast<int64_t>(xs.size());
  if (idx.dtype() != DType::I64)
    unsupportedDType(node, idx.dtype());
  if (is.size() != xs.size())
    fail(node, "index " + idx.type().str() + " must have the rank of x " + x.type().str());
  int64_t axis = node.attrs().getInt("axis", 0);
  if (rank == 0) {
    axis = 0;
  } else {
    if (axis < -rank || axis >= rank)
      fail(node, "axis " + std::to_string(axis) + " out of range for rank " + std::to_string(rank));
    axis = axis < 0 ? axis + rank : axis;
  }
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis && is[size_t(d)] > xs[size_t(d)])
      fail(node, "index " + idx.type().str() + " is larger than x " + x.type().str() + " in dim " +
                     std::to_string(d));
  // out[p] = x[p with coordinate `axis` replaced by index[p]].
  std::vector<int64_t> xStrides = contiguousStrides(xs);
  const int64_t axisStride = rank == 0 ? 0 : xStrides[size_t(axis)];
  const int64_t axisSize = rank == 0 ? 1 : xs[size_t(axis)];
  if (rank > 0)
    xStrides[size_t(axis)] = 0;
  StridedLoop<2> loop = makeLoop<2>(is, {contiguousStrides(is), xStrides});
  const int64_t n = loop.inner(), sx = loop.innerStride(1);
  const int64_t *ids = idx.data<int64_t>();
  dispatchDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *px = x.data<T>();
    T *py = out.data<T>();
    forEachRow(loop, [&](const std::array<int64_t, 2> &off) {
      for (int64_t i = 0; i < n; ++i) {
        const int64_t p = off[0] + i, id = ids[p];
        if (id < 0 || id >= axisSize)
          fail(node, "index " + std::to_string(id) + " out of range [0, " +
                         std::to_string(axisSize) + ") at position " + std::to_string(p) +
                         " of index " + idx.type().str());
        py[p] = px[off[1] + i * sx + id * axisStride];
      }
    });
  });
}

} // namespace duet::pure
