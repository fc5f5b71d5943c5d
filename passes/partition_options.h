//===- passes/partition_options.h - inputs of the partitioner ---*- C++ -*-===//
#pragma once

#include "passes/mode.h"

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace duet {

class Node;
class PassManager;
class CostProfile; // passes/cost_profile.h

struct PartitionOptions {
  Mode mode = Mode::Pure;
  /// Cost profile for auto mode; null means the shipped defaults.
  std::shared_ptr<const CostProfile> profile;
  /// Whether a node can run on torch (null: torch absent, nothing can).
  std::function<bool(const Node &, std::string *whyNot)> torchSupports;
  /// Per-op element-count thresholds ("matmul" -> 1000000): at or above, the
  /// op goes to torch in auto mode, overriding the estimate.
  std::map<std::string, double> thresholds;
  /// Regions whose estimated saving is below this many seconds go back to pure.
  double minRegionSeconds = 0.0;
  /// ...or whose estimated net saving (after conversions) is below this
  /// fraction of the region's estimated pure time. Estimates are fits with
  /// 10-50% error, and a region that barely wins on paper often loses in
  /// practice; staying on pure costs nothing to convert.
  double minRegionSavingFraction = 0.1;
  /// Run fuse-elementwise after partitioning (passes/fuse_elementwise.h):
  /// chains of elementwise pure nodes become one fused_elementwise node.
  bool fuseElementwise = true;
};

/// Appends the partitioning passes (annotate-cost, partition, merge-regions,
/// insert-conversions, fuse-elementwise) configured by `opts` to `pm`.
void addPartitionPasses(PassManager &pm, const PartitionOptions &opts);

} // namespace duet
