//===- backends/buffer.cpp - a concrete tensor in memory ------------------===//

#include "backends/buffer.h"

#include "backends/pure/convert.h"
#include "ir/error.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

namespace duet {

namespace {

constexpr size_t kAlignment = 64;

} // namespace

Buffer Buffer::allocate(TensorType type) {
  Buffer b;
  b.numel_ = type.numel();                           // throws on overflow / negative dims
  size_t bytes = static_cast<size_t>(type.nbytes()); // throws on overflow
  // Round up to the alignment (aligned_alloc requires it) and never ask for
  // zero bytes, so even an empty buffer has a valid, unique pointer.
  size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  if (rounded == 0)
    rounded = kAlignment;
  if (rounded < bytes)
    throw Error("Buffer: size of " + type.str() + " overflows");
  void *p = std::aligned_alloc(kAlignment, rounded);
  if (!p)
    throw Error("Buffer: out of memory allocating " + std::to_string(bytes) + " bytes for " +
                type.str());
  std::memset(p, 0, rounded);
  b.data_ = p;
  b.owner_ = std::shared_ptr<void>(p, [](void *q) { std::free(q); });
  b.type_ = std::move(type);
  return b;
}

Buffer Buffer::wrap(TensorType type, void *data, std::shared_ptr<void> owner) {
  Buffer b;
  b.numel_ = type.numel();
  if (b.numel_ > 0 && !data)
    throw Error("Buffer::wrap: null data for " + type.str());
  if (!owner) {
    // The caller guarantees lifetime; keep defined() true with a no-op owner.
    static char anchor;
    owner = std::shared_ptr<void>(data ? data : &anchor, [](void *) {});
  }
  b.data_ = data;
  b.owner_ = std::move(owner);
  b.type_ = std::move(type);
  return b;
}

Buffer Buffer::full(TensorType type, double value) {
  Buffer b = allocate(std::move(type));
  dispatchDType(b.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T v = pure::fromDouble<T>(value);
    T *p = b.data<T>();
    for (int64_t i = 0; i < b.numel_; ++i)
      p[i] = v;
  });
  return b;
}

Buffer Buffer::clone() const {
  if (!defined())
    return Buffer();
  Buffer b = allocate(type_);
  if (nbytes() > 0)
    std::memcpy(b.data_, data_, nbytes());
  return b;
}

double Buffer::at(int64_t i) const {
  if (i < 0 || i >= numel_)
    throw Error("Buffer::at: index " + std::to_string(i) + " out of range for " + type_.str());
  return dispatchDType(type_.dtype, [&](auto tag) -> double {
    using T = decltype(tag);
    return static_cast<double>(static_cast<const T *>(data_)[i]);
  });
}

std::vector<double> Buffer::toDoubles() const {
  std::vector<double> out(static_cast<size_t>(numel_));
  dispatchDType(type_.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T *p = static_cast<const T *>(data_);
    for (int64_t i = 0; i < numel_; ++i)
      out[static_cast<size_t>(i)] = static_cast<double>(p[i]);
  });
  return out;
}

Buffer Buffer::reshaped(Shape shape) const {
  TensorType t{type_.dtype, std::move(shape)};
  if (t.numel() != numel_)
    throw Error("Buffer::reshaped: cannot view " + type_.str() + " as " + t.str() +
                " (element counts differ)");
  Buffer b = *this;
  b.type_ = std::move(t);
  return b;
}

} // namespace duet
