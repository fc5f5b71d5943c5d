//===- backends/pure/interpreter.h - the Eigen interpreter ------*- C++ -*-===//
//
// Runs one node at a time over contiguous row-major Buffers. Always built,
// no heavy dependencies. Semantics of every op: docs/ops.md.
//
#pragma once

#include "backends/buffer.h"

#include <span>
#include <vector>

namespace duet {

class Node;

/// Computes `node` from its operand buffers into `out`, which the caller has
/// allocated with node.type() (it may alias nothing the inputs point to).
/// Throws duet::Error for run-time data errors (an embedding index out of
/// range) naming the node. Source ops (input/param) are not executed here;
/// `constant` fills `out` from its `value` attribute; to_torch/from_torch
/// copy their input.
void runPureNode(const Node &node, std::span<const Buffer> inputs, Buffer &out);

/// runPureNode without the operand checks, for a caller that checked the
/// buffer types once when it bound them (the plan executor's hot loop). The
/// output may be the same buffer as an operand of identical type for the
/// unary and binary elementwise ops and fused_elementwise (the executor runs
/// those in place).
void runPureNodeUnchecked(const Node &node, std::span<const Buffer> inputs, Buffer &out);

/// Convenience: allocates the output and runs.
Buffer evalPureNode(const Node &node, std::span<const Buffer> inputs);

/// True if the pure interpreter implements this op (all ops, today).
bool pureSupports(const Node &node);

} // namespace duet
