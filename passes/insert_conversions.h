//===- passes/insert_conversions.h - "insert-conversions" -------*- C++ -*-===//
#pragma once

#include "passes/pass.h"

namespace duet {

/// "insert-conversions": makes every pure<->torch crossing an explicit node.
///  - a value a region reads that is defined outside it (pure node, input,
///    param, constant, or another region's value) gets ONE `to_torch` node
///    in that region, and every use inside the region reads it;
///  - a region value used outside the region or returned by the graph gets
///    ONE `from_torch` node in that region, and every outside use (and
///    output slot) reads it. A value passing from region A to region B thus
///    goes from_torch (in A) then to_torch (in B).
/// Conversion nodes are torch nodes of the region they serve, so the runtime
/// runs them as part of it. Values that stay inside a region never convert.
/// The graph is then re-sorted topologically.
/// Pre: regions assigned (merge-regions). Idempotent: existing conversions
/// are respected. Changed iff a node was inserted.
class InsertConversionsPass : public Pass {
public:
  std::string_view name() const override { return "insert-conversions"; }
  bool run(Graph &g) override;
};

} // namespace duet
