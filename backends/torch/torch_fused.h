//===- backends/torch/torch_fused.h - fused_elementwise on ATen -*- C++ -*-===//
#pragma once

#include <ATen/core/Tensor.h>

#include <span>

namespace duet {
class Node;
}

namespace duet::torchops {

/// Runs a fused_elementwise node by un-fusing it: each step of its program
/// is one ATen call, exactly what the nodes it replaced would have run.
/// (Fusion happens after partitioning, so this runs only for a dumped,
/// fused graph fed back in, and for the differential tests.)
at::Tensor runFusedOp(const Node &node, std::span<const at::Tensor> in);

} // namespace duet::torchops
