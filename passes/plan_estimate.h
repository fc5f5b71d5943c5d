//===- passes/plan_estimate.h - what a partition is predicted to cost -*- C++ -*-===//
//
// The cost model applied to a whole plan: per-backend node counts and time,
// torch regions, conversions and the bytes they move, and the total. Used by
// `duet dump` (its summary table and --diff), and meant for `duet run
// --stats` and `duet tune`: estimates of the chosen plan against the
// all-pure and all-torch plans of the same graph.
//
#pragma once

#include "passes/partition_options.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace duet {

class CostProfile;
class Graph;
class Pass;

/// Predicted cost of running a partitioned graph once.
struct PlanEstimate {
  int64_t pureNodes = 0, torchNodes = 0; // compute nodes (no sources, no conversions)
  double pureSeconds = 0, torchSeconds = 0;
  int64_t regions = 0;
  double launchSeconds = 0; // regions * regionLaunchS
  int64_t conversions = 0;  // to_torch + from_torch executed
  int64_t convertedBytes = 0;
  double conversionSeconds = 0;
  double totalSeconds() const {
    return pureSeconds + torchSeconds + launchSeconds + conversionSeconds;
  }
};

/// Sums the profile's estimates over `g` as the runtime would run it:
///  - pure (or unassigned) compute nodes at their pure estimate, torch nodes
///    at their torch estimate; sources are free;
///  - each torch region (a torch node with region -1 is a region of its own,
///    as the scheduler treats it) costs one regionLaunchS;
///  - conversions: the to_torch/from_torch nodes inside regions when the
///    graph has any (outside a region they are free aliases); in a graph
///    partitioned but without conversion nodes yet (e.g. after
///    merge-regions), the ones insert-conversions would add: one to_torch
///    per value and region it enters, one from_torch per region value used
///    outside or returned.
PlanEstimate estimatePlan(const Graph &g, const CostProfile &profile);

/// The passes compile() runs, by name: `pipeline` (empty: defaultPipeline())
/// then annotate-cost, partition, merge-regions, insert-conversions,
/// fuse-elementwise (a no-op when opts.fuseElementwise is off).
std::vector<std::string> planPassNames(std::string_view pipeline = {});
/// Builds one of those passes; the partitioning ones are configured by `opts`.
std::unique_ptr<Pass> createPlanPass(std::string_view name, const PartitionOptions &opts);

/// Replaces every to_torch/from_torch node by its operand (a dumped,
/// partitioned graph fed back in). Returns whether it removed any.
bool stripConversions(Graph &g);

/// A copy of `g` (conversions stripped) after planPassNames(pipeline) with
/// `opts`. Pure mode runs the partitioning passes too: every node gets
/// "mode pure" as its reason.
std::unique_ptr<Graph> partitionedCopy(const Graph &g, const PartitionOptions &opts,
                                       std::string_view pipeline = {});

/// The chosen plan (opts as given) against the single-backend plans of the
/// same graph: opts with mode pure, and with mode torch (absent when
/// opts.torchSupports is null: no torch backend).
struct PlanComparison {
  PlanEstimate chosen, allPure;
  std::optional<PlanEstimate> allTorch;
};
PlanComparison comparePlans(const Graph &g, const PartitionOptions &opts,
                            std::string_view pipeline = {});
/// Just the estimate of `g` partitioned with `opts` but mode `m`.
PlanEstimate estimateForMode(const Graph &g, PartitionOptions opts, Mode m,
                             std::string_view pipeline = {});

} // namespace duet
