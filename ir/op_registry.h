//===- ir/op_registry.h - what each op is -----------------------*- C++ -*-===//
#pragma once

#include "ir/attributes.h"
#include "ir/shape.h"

#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace duet {

enum class OpKind : uint16_t {
#define DUET_OP(Kind, Name, MinArity, MaxArity, Category) Kind,
#include "ir/ops.def"
};

enum class OpCategory : uint8_t {
  Source, Unary, Binary, Compare, Ternary, Contraction, Reduction, Movement,
  Convolution, Pooling, Normalization, Indexing, Loss, Conversion, Collective, Fused
};

/// One attribute an op accepts.
struct AttrSpec {
  std::string_view name;
  AttrKind kind;
  bool required = false;
};

/// Everything the compiler knows about an op. Semantics: docs/ops.md.
struct OpInfo {
  OpKind kind;
  std::string_view name;
  int minArity;
  int maxArity; // -1: variadic
  OpCategory category;
  std::vector<AttrSpec> attrs;

  /// Result type from operand types and attributes. Throws duet::Error with a
  /// message naming the op and the offending shapes/dtypes/attribute.
  TensorType (*inferType)(std::span<const TensorType> inputs, const Attributes &attrs);
  /// Floating-point operations performed (cost model).
  int64_t (*flops)(std::span<const TensorType> inputs, const Attributes &attrs,
                   const TensorType &result);

  bool isElementwise() const {
    return category == OpCategory::Unary || category == OpCategory::Binary ||
           category == OpCategory::Compare || category == OpCategory::Ternary;
  }
};

/// The registry entry of an op (never fails: every OpKind has one).
const OpInfo &opInfo(OpKind kind);
inline std::string_view opName(OpKind kind) { return opInfo(kind).name; }
/// Looks an op up by its text name; nullopt if unknown.
std::optional<OpKind> opFromName(std::string_view name);
/// All ops, in ops.def order.
std::span<const OpInfo> allOps();

/// Checks arity and attributes (unknown name, wrong kind, missing required)
/// and runs the shape rule. Throws duet::Error("<op>: ...").
TensorType checkAndInferType(OpKind kind, std::span<const TensorType> inputs,
                             const Attributes &attrs);

/// Bytes read and written by one execution (operands + result).
int64_t opBytes(std::span<const TensorType> inputs, const TensorType &result);

} // namespace duet
