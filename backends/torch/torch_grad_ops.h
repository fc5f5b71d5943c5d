//===- backends/torch/torch_grad_ops.h - gradient ops as ATen calls -*- C++ -*-===//
//
// Internal to backends/torch/: the gradient ops of the autodiff pass
// (docs/ops.md, "Gradient ops"), as the ATen backward kernels that torch's
// own autograd calls.
//
#pragma once

#include <ATen/core/Tensor.h>

#include <span>
#include <string>

namespace duet {
class Node;
} // namespace duet

namespace duet::torchops {

/// Computes a gradient op from its operands; throws duet::Error for any
/// other op (the caller dispatches only gradient ops here).
at::Tensor runGradOp(const Node &node, std::span<const at::Tensor> in);

/// Why LibTorch cannot run this gradient op (empty when it can, and for
/// every other op).
std::string gradUnsupportedReason(const Node &node);

} // namespace duet::torchops
