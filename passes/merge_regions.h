//===- passes/merge_regions.h - "merge-regions" -----------------*- C++ -*-===//
#pragma once

#include "passes/partition_options.h"
#include "passes/pass.h"

namespace duet {

/// "merge-regions": groups torch nodes into regions (Node::setRegion).
///  1. Structural merging: torch nodes joined by an edge share a region
///     unless that would create a cycle between regions (a path leaving a
///     region and coming back through a pure node or another region). The
///     result is maximal: no two regions joined by an edge can be merged
///     without a cycle. Near-linear: edge contraction on a cluster graph
///     kept in dynamic topological order (Pearce-Kelly), as XLA's
///     GraphCycles does.
///  2. Auto mode only: a pure node torch can run joins a neighbouring
///     region when that removes conversions and lowers the estimated total;
///     then a region whose saving does not pay for its conversions (or is
///     below opts.minRegionSeconds, or net saving below
///     opts.minRegionSavingFraction of its pure time) goes back to pure.
///     Reasons say why.
/// Region ids are dense, 0..R-1, in the order of each region's first node.
/// Only torch nodes get regions; every torch node gets one.
/// Pre: backends assigned (partition), no conversion nodes (throws
/// duet::Error otherwise). Changed iff some backend or region changed.
class MergeRegionsPass : public Pass {
public:
  MergeRegionsPass();
  explicit MergeRegionsPass(PartitionOptions opts) : opts_(std::move(opts)) {}
  std::string_view name() const override { return "merge-regions"; }
  bool run(Graph &g) override;

private:
  PartitionOptions opts_;
};

} // namespace duet
