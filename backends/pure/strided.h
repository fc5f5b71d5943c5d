//===- backends/pure/strided.h - strided loops over N operands --*- C++ -*-===//
//
// The one loop nest behind broadcasting, transposes, slices and expands:
// N operands (operand 0 usually the contiguous output) each with its own
// element strides over a common iteration shape. Dims are collapsed where
// every operand is contiguous across them, so the common cases (equal shapes,
// a scalar operand, a bias row) become one long inner row that kernels hand
// to Eigen; only the genuinely strided parts pay for index arithmetic.
//
#pragma once

#include "ir/shape.h"

#include <array>
#include <cstdint>
#include <vector>

namespace duet::pure {

/// Strides of `operand` broadcast against `out` (NumPy rules, aligned on the
/// right): 0 on size-1 and missing dims. Assumes the shapes are compatible.
std::vector<int64_t> broadcastStrides(const Shape &operand, const Shape &out);

template <size_t N> struct StridedLoop {
  std::vector<int64_t> sizes; // collapsed iteration shape, rank >= 1
  std::array<std::vector<int64_t>, N> strides;
  int64_t inner() const { return sizes.back(); }
  int64_t innerStride(size_t k) const { return strides[k].back(); }
};

/// Builds the loop, dropping size-1 dims and merging mergeable neighbours.
template <size_t N>
StridedLoop<N> makeLoop(const Shape &shape, const std::array<std::vector<int64_t>, N> &strides) {
  StridedLoop<N> loop;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1)
      continue;
    bool merge = !loop.sizes.empty();
    for (size_t k = 0; k < N && merge; ++k)
      merge = loop.strides[k].back() == strides[k][d] * shape[d];
    if (merge) {
      loop.sizes.back() *= shape[d];
      for (size_t k = 0; k < N; ++k)
        loop.strides[k].back() = strides[k][d];
      continue;
    }
    loop.sizes.push_back(shape[d]);
    for (size_t k = 0; k < N; ++k)
      loop.strides[k].push_back(strides[k][d]);
  }
  if (loop.sizes.empty()) { // a scalar (or all size-1 dims)
    loop.sizes.push_back(1);
    for (size_t k = 0; k < N; ++k)
      loop.strides[k].push_back(0);
  }
  return loop;
}

/// Calls row(offsets) once per inner row: offsets[k] is operand k's element
/// offset of the row's first element; the row has loop.inner() elements at
/// strides loop.innerStride(k). Nothing runs when any size is 0.
template <size_t N, class Row> void forEachRow(const StridedLoop<N> &loop, Row &&row) {
  const size_t outerRank = loop.sizes.size() - 1;
  for (int64_t s : loop.sizes)
    if (s == 0)
      return;
  std::array<int64_t, N> offsets{};
  std::vector<int64_t> counter(outerRank, 0);
  while (true) {
    row(offsets);
    // Odometer increment over the outer dims, innermost first.
    size_t d = outerRank;
    while (d > 0) {
      --d;
      for (size_t k = 0; k < N; ++k)
        offsets[k] += loop.strides[k][d];
      if (++counter[d] < loop.sizes[d])
        break;
      for (size_t k = 0; k < N; ++k)
        offsets[k] -= loop.strides[k][d] * loop.sizes[d];
      counter[d] = 0;
      if (d == 0)
        return;
    }
    if (outerRank == 0)
      return;
  }
}

/// Copies a strided view of `src` (element strides `srcStrides`, first
/// element at `srcOffset`) into the contiguous `dst` of shape `shape`.
/// Works on raw bytes: `elemSize` is 1, 4 or 8.
void stridedCopy(void *dst, const void *src, size_t elemSize, const Shape &shape,
                 const std::vector<int64_t> &srcStrides, int64_t srcOffset);

} // namespace duet::pure
