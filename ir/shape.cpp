//===- ir/shape.cpp - static shapes -----------------------------------------===//
#include "ir/shape.h"

#include "ir/error.h"

namespace duet {

int64_t numel(const Shape &s) {
  int64_t n = 1;
  for (int64_t d : s) {
    if (d < 0)
      throw Error("negative dimension in shape " + shapeToString(s));
    if (__builtin_mul_overflow(n, d, &n))
      throw Error("shape " + shapeToString(s) + " has more elements than fit in 64 bits");
  }
  return n;
}

std::string shapeToString(const Shape &s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i)
      out += ',';
    out += std::to_string(s[i]);
  }
  return out + "]";
}

std::vector<int64_t> contiguousStrides(const Shape &s) {
  std::vector<int64_t> strides(s.size(), 1);
  for (int64_t i = static_cast<int64_t>(s.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * s[i + 1];
  return strides;
}

Shape broadcastShapes(const Shape &a, const Shape &b) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      throw Error("shapes " + shapeToString(a) + " and " + shapeToString(b) +
                  " are not broadcastable (dimension " + std::to_string(i) + ": " +
                  std::to_string(da) + " vs " + std::to_string(db) + ")");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

int64_t normalizeAxis(int64_t axis, int64_t rank) {
  int64_t lo = rank == 0 ? -1 : -rank, hi = rank == 0 ? 0 : rank - 1;
  if (axis < lo || axis > hi)
    throw Error("axis " + std::to_string(axis) + " is out of range for rank " +
                std::to_string(rank));
  return axis < 0 ? axis + std::max<int64_t>(rank, 1) : axis;
}

int64_t TensorType::nbytes() const {
  int64_t bytes;
  if (__builtin_mul_overflow(numel(), static_cast<int64_t>(dtypeSize(dtype)), &bytes))
    throw Error("tensor " + str() + " is too large");
  return bytes;
}

std::string TensorType::str() const {
  return std::string(dtypeName(dtype)) + shapeToString(shape);
}

} // namespace duet
