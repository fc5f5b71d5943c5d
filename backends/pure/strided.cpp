//===- backends/pure/strided.cpp - strided loops and copies ---------------===//

#include "backends/pure/strided.h"

#include <cstring>

namespace duet::pure {

std::vector<int64_t> broadcastStrides(const Shape &operand, const Shape &out) {
  std::vector<int64_t> strides(out.size(), 0);
  std::vector<int64_t> own = contiguousStrides(operand);
  size_t shift = out.size() - operand.size();
  for (size_t d = 0; d < operand.size(); ++d)
    strides[d + shift] = operand[d] == 1 ? 0 : own[d];
  return strides;
}

namespace {

template <class E> void copyRows(E *dst, const E *src, const StridedLoop<2> &loop) {
  const int64_t n = loop.inner();
  const int64_t s = loop.innerStride(1);
  forEachRow(loop, [&](const std::array<int64_t, 2> &off) {
    E *d = dst + off[0];
    const E *p = src + off[1];
    if (s == 1) {
      std::memcpy(d, p, static_cast<size_t>(n) * sizeof(E));
    } else if (s == 0) {
      for (int64_t i = 0; i < n; ++i)
        d[i] = *p;
    } else {
      for (int64_t i = 0; i < n; ++i)
        d[i] = p[i * s];
    }
  });
}

} // namespace

void stridedCopy(void *dst, const void *src, size_t elemSize, const Shape &shape,
                 const std::vector<int64_t> &srcStrides, int64_t srcOffset) {
  StridedLoop<2> loop = makeLoop<2>(shape, {contiguousStrides(shape), srcStrides});
  switch (elemSize) {
  case 1:
    copyRows(static_cast<uint8_t *>(dst), static_cast<const uint8_t *>(src) + srcOffset, loop);
    break;
  case 4:
    copyRows(static_cast<uint32_t *>(dst), static_cast<const uint32_t *>(src) + srcOffset, loop);
    break;
  default:
    copyRows(static_cast<uint64_t *>(dst), static_cast<const uint64_t *>(src) + srcOffset, loop);
    break;
  }
}

} // namespace duet::pure
