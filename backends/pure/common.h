//===- backends/pure/common.h - helpers shared by pure kernels --*- C++ -*-===//
//
// Internal to the pure interpreter: dtype dispatch restricted to the dtypes
// an op allows, error messages that name the node, attribute readers.
//
#pragma once

#include "backends/buffer.h"
#include "backends/pure/convert.h"
#include "ir/error.h"
#include "ir/graph.h"

#include <cstdint>
#include <span>
#include <string>

namespace duet::pure {

/// "add %3" or "add %logits": how kernels name the node in messages.
std::string nodeLabel(const Node &node);

/// Throws duet::Error("pure interpreter: <label>: <what>").
[[noreturn]] void fail(const Node &node, const std::string &what);
/// The error for an operand dtype the kernel does not implement.
[[noreturn]] void unsupportedDType(const Node &node, DType t);

/// Calls f(T{}) for f32/f64; any other dtype is an error naming the node.
template <class F> decltype(auto) dispatchFloat(const Node &node, DType t, F &&f) {
  switch (t) {
  case DType::F32: return f(float{});
  case DType::F64: return f(double{});
  default: unsupportedDType(node, t);
  }
}

/// Calls f(T{}) for f32/f64/i64.
template <class F> decltype(auto) dispatchNumeric(const Node &node, DType t, F &&f) {
  switch (t) {
  case DType::F32: return f(float{});
  case DType::F64: return f(double{});
  case DType::I64: return f(int64_t{});
  default: unsupportedDType(node, t);
  }
}

/// Reads an attribute given either as one int or as a list of 1 or 2 ints
/// (PyTorch's `kernel_size=3` vs `(3, 3)`) and returns the (h, w) pair.
struct Pair2 {
  int64_t h, w;
};
Pair2 attrPair(const Node &node, std::string_view name, Pair2 def);

/// Numel of dims [begin, end) of a shape.
int64_t prod(const Shape &s, size_t begin, size_t end);

} // namespace duet::pure
