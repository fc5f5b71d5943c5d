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
/// unary and binary elementwise ops and fused_elementwise not ending with a
/// reduction (the executor runs those in place).
void runPureNodeUnchecked(const Node &node, std::span<const Buffer> inputs, Buffer &out);

/// One node of a group for runFusedGroup: its operands and output.
struct FusedGroupMember {
  const Node *node = nullptr;
  std::span<const Buffer> inputs;
  Buffer *out = nullptr;
};

/// Most nodes in one group.
inline constexpr size_t kMaxFusedGroup = 16;

/// Whether `node` may join a group whose outputs have `numel` elements: a
/// fused_elementwise node of that many elements whose every operand has
/// that many elements or one (so it reads its operands position by position).
bool fusedGroupable(const Node &node, int64_t numel);

/// Runs consecutive fused_elementwise nodes (each fusedGroupable with the
/// first's size, at most kMaxFusedGroup) as one loop over chunks of the
/// output: every node over the first few thousand elements, then every node
/// over the next ones, so what one node writes and a later one reads is
/// still in cache (Adam's moment and parameter updates read the same
/// gradient and the moments just written). The result is that of running
/// them one after another; when a node's output overlaps another buffer of
/// the group other than exactly (an arena block reused at an offset), where
/// chunking could read a value already overwritten, they do run one after
/// another. Unchecked like runPureNodeUnchecked.
void runFusedGroup(std::span<const FusedGroupMember> members);

/// Convenience: allocates the output and runs.
Buffer evalPureNode(const Node &node, std::span<const Buffer> inputs);

/// True if the pure interpreter implements this op (all ops, today).
bool pureSupports(const Node &node);

} // namespace duet
