//===- backends/buffer_inl.h - template parts of Buffer ---------*- C++ -*-===//
#pragma once

#include "backends/buffer.h"

#include <cassert>

namespace duet {

template <class T> T *Buffer::data() const {
  assert(DTypeOf<T>::value == type_.dtype && "Buffer::data<T>: dtype mismatch");
  return static_cast<T *>(data_);
}

template <class T> Buffer Buffer::fromVector(Shape shape, const std::vector<T> &values) {
  Buffer b = allocate(TensorType{DTypeOf<T>::value, std::move(shape)});
  assert(static_cast<int64_t>(values.size()) == b.numel());
  T *p = b.data<T>();
  for (size_t i = 0; i < values.size(); ++i)
    p[i] = values[i];
  return b;
}

} // namespace duet
