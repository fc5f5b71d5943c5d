//===- backends/pure/convert.h - scalar conversions like a cast -*- C++ -*-===//
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

namespace duet::pure {

/// Converts a double to T like a cast (float->int truncates toward zero,
/// ->bool is != 0). NaN and out-of-range values become INT64_MIN, as on x86
/// and in torch, without C++'s undefined behaviour for such conversions.
template <class T> T fromDouble(double v) {
  if constexpr (std::is_same_v<T, bool>) {
    return v != 0.0;
  } else if constexpr (std::is_same_v<T, int64_t>) {
    if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0))
      return std::numeric_limits<int64_t>::min();
    return static_cast<int64_t>(v);
  } else {
    return static_cast<T>(v);
  }
}

/// Element conversion From -> To with the same rules (used by `cast`).
template <class To, class From> To convertElement(From v) {
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else if constexpr (std::is_same_v<To, int64_t> && std::is_floating_point_v<From>) {
    return fromDouble<int64_t>(static_cast<double>(v));
  } else {
    return static_cast<To>(v);
  }
}

} // namespace duet::pure
