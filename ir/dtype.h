//===- ir/dtype.h - element types ------------------------------*- C++ -*-===//
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace duet {

/// Element type of a tensor. The set is deliberately small: what models need.
enum class DType : uint8_t { F32, F64, I64, Bool };

/// "f32", "f64", "i64", "bool".
std::string_view dtypeName(DType t);
/// Inverse of dtypeName; nullopt for unknown spellings.
std::optional<DType> parseDType(std::string_view s);
/// Bytes per element (bool is one byte).
size_t dtypeSize(DType t);
inline bool isFloating(DType t) { return t == DType::F32 || t == DType::F64; }

/// Maps a C++ element type to its DType.
template <class T> struct DTypeOf;
template <> struct DTypeOf<float> { static constexpr DType value = DType::F32; };
template <> struct DTypeOf<double> { static constexpr DType value = DType::F64; };
template <> struct DTypeOf<int64_t> { static constexpr DType value = DType::I64; };
template <> struct DTypeOf<bool> { static constexpr DType value = DType::Bool; };

/// Calls f(T{}) with T the C++ type of `t` (float, double, int64_t, bool).
template <class F> decltype(auto) dispatchDType(DType t, F &&f) {
  switch (t) {
  case DType::F32: return f(float{});
  case DType::F64: return f(double{});
  case DType::I64: return f(int64_t{});
  case DType::Bool: break;
  }
  return f(bool{});
}

} // namespace duet
