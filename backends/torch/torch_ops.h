//===- backends/torch/torch_ops.h - duet ops as ATen calls ------*- C++ -*-===//
//
// Internal to backends/torch/: the per-op translation used by the region
// runner. Semantics follow docs/ops.md.
//
#pragma once

#include "ir/dtype.h"

#include <ATen/core/Tensor.h>

#include <span>
#include <string>

namespace duet {
class Node;
} // namespace duet

namespace duet::torchops {

/// The ATen scalar type of a duet dtype (f32/f64/i64/bool map one to one).
c10::ScalarType scalarType(DType t);

/// Computes `node` from its operand tensors (in operand order). The result
/// has the node's dtype but may be a strided view of an operand. Throws
/// c10::Error (from torch) or duet::Error (bad attribute); the caller adds
/// the node's name.
at::Tensor runOp(const Node &node, std::span<const at::Tensor> operands);

/// Why LibTorch cannot run this node, or an empty string when it can.
std::string unsupportedReason(const Node &node);

} // namespace duet::torchops
