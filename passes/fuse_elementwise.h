//===- passes/fuse_elementwise.h - "fuse-elementwise" -----------*- C++ -*-===//
#pragma once

#include "passes/pass.h"

namespace duet {

/// "fuse-elementwise": replaces each maximal tree of elementwise nodes that
/// run on the pure interpreter by one `fused_elementwise` node whose program
/// (ir/fused_program.h) lists the ops, so the interpreter runs them as one
/// blocked, vectorized loop instead of node by node.
///
/// A group grows from a root (walked in reverse order) into its producers.
/// A producer joins when it is a fusible op (isFusibleOp) on fusible dtypes,
/// runs on pure (backend pure or unassigned, no region), is not a graph
/// output, has every use inside the group, and has as many elements as the
/// root (a smaller producer would be recomputed per output element). A
/// root may also be a float `sum` or `mean` over its operand's trailing
/// axes (or all of them): its producers then have the operand's size, and
/// the program ends with the reduction, accumulated as the loop goes
/// instead of writing the operand out. Groups of one node stay as they are. The fused node takes the root's name, type
/// and backend, the sum of the members' cost estimates, and a reason listing
/// what it fused.
/// Pre: after partitioning and merge-regions when they run (torch nodes and
/// regions are never touched, so no group crosses a region boundary);
/// autodiff, if any, has run. Post: each fused node stands where its root
/// stood; the other nodes keep their order.
/// Changed iff some group was fused.
class FuseElementwisePass : public Pass {
public:
  FuseElementwisePass() = default;
  /// enabled = false makes the pass a no-op (PartitionOptions::fuseElementwise).
  explicit FuseElementwisePass(bool enabled) : enabled_(enabled) {}
  std::string_view name() const override { return "fuse-elementwise"; }
  bool run(Graph &g) override;

private:
  bool enabled_ = true;
};

} // namespace duet
