//===- backends/buffer.h - a concrete tensor in memory ----------*- C++ -*-===//
#pragma once

#include "ir/shape.h"

#include <memory>

namespace duet {

/// A contiguous row-major tensor: dtype, shape and a pointer to its data.
/// Copies share the data (like a shared_ptr). The data either belongs to the
/// buffer (allocate) or to someone else kept alive by `owner` (wrap): this is
/// how torch tensors are seen without copying.
class Buffer {
public:
  Buffer() = default;
  /// 64-byte aligned, zero-filled. Throws duet::Error if the size overflows.
  static Buffer allocate(TensorType type);
  static Buffer allocate(DType dtype, Shape shape) { return allocate({dtype, std::move(shape)}); }
  /// Views `data` (which must hold numel elements of dtype) without copying;
  /// `owner` keeps it alive for as long as any copy of this Buffer exists.
  static Buffer wrap(TensorType type, void *data, std::shared_ptr<void> owner);
  /// Fills with a scalar splat / copies elements (converted to dtype).
  static Buffer full(TensorType type, double value);
  template <class T> static Buffer fromVector(Shape shape, const std::vector<T> &values);

  bool defined() const { return owner_ != nullptr; }
  /// True when this is the only Buffer holding the data (no copy, view or
  /// wrapped owner elsewhere), so overwriting it can surprise nobody.
  bool soleOwner() const { return owner_ != nullptr && owner_.use_count() == 1; }
  const TensorType &type() const { return type_; }
  DType dtype() const { return type_.dtype; }
  const Shape &shape() const { return type_.shape; }
  int64_t numel() const { return numel_; }
  size_t nbytes() const { return static_cast<size_t>(numel_) * dtypeSize(type_.dtype); }

  void *raw() const { return data_; }
  /// Typed access; asserts the dtype matches T.
  template <class T> T *data() const;

  /// Deep copy into a fresh buffer.
  Buffer clone() const;
  /// Element i converted to double (for printing and tests).
  double at(int64_t i) const;
  /// All elements converted to double.
  std::vector<double> toDoubles() const;
  /// Same data seen with another shape of equal numel (no copy).
  Buffer reshaped(Shape shape) const;
  /// Drops the data (defined() becomes false) but keeps the type, so that
  /// assigning a buffer of the same shape later allocates nothing (the plan
  /// executor's value table relies on this).
  void release() {
    owner_.reset();
    data_ = nullptr;
  }

private:
  TensorType type_;
  int64_t numel_ = 0;
  void *data_ = nullptr;
  std::shared_ptr<void> owner_;
};

} // namespace duet

#include "backends/buffer_inl.h"
