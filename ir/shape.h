//===- ir/shape.h - static shapes -------------------------------*- C++ -*-===//
#pragma once

#include "ir/dtype.h"

#include <cstdint>
#include <string>
#include <vector>

namespace duet {

/// A static, row-major shape. Rank 0 is a scalar.
using Shape = std::vector<int64_t>;

/// Product of the dimensions; throws duet::Error on overflow or a negative dim.
int64_t numel(const Shape &s);
/// "[2,3]" ("[]" for scalars).
std::string shapeToString(const Shape &s);
/// Row-major strides in elements.
std::vector<int64_t> contiguousStrides(const Shape &s);
/// NumPy/PyTorch broadcasting of two shapes; throws duet::Error naming both.
Shape broadcastShapes(const Shape &a, const Shape &b);
/// Normalizes a possibly negative axis against `rank`; throws on out of range.
int64_t normalizeAxis(int64_t axis, int64_t rank);

/// The static type of a value: element type plus shape.
struct TensorType {
  DType dtype = DType::F32;
  Shape shape;

  int64_t numel() const { return duet::numel(shape); }
  int64_t rank() const { return static_cast<int64_t>(shape.size()); }
  /// numel * element size, overflow-checked.
  int64_t nbytes() const;
  /// "f32[2,3]"
  std::string str() const;
  friend bool operator==(const TensorType &, const TensorType &) = default;
};

} // namespace duet
