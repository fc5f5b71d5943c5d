//===- passes/inspect/dump_pipeline.h - running the plan passes for a dump -*- C++ -*-===//
#pragma once

#include "passes/inspect/dump_model.h"

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace duet::inspect {

/// A compute node's placement, named as the printer labels it at that stage.
struct PlacedNode {
  bool valid = false;
  Backend backend = Backend::Unassigned;
  std::string label, op, type, placement, reason;
};

/// The graph after the plan passes (or after `stopAfter`), with what the
/// dump's views need from intermediate stages.
struct StageRun {
  std::unique_ptr<Graph> graph;
  std::string lastPass;
  bool complete = true;
  std::vector<NodeSnapshot> afterPartition; // by NodeId; empty if partition did not run
  /// Every compute node as the partition left it, just before
  /// insert-conversions (by NodeId): until then two runs of the same input
  /// have the same nodes, while conversions and fusion add and remove
  /// different ones. How --diff matches and names nodes.
  std::vector<PlacedNode> beforeConversions;
};

/// Runs planPassNames() on a copy of `input` (conversions stripped) one pass
/// at a time, calling `afterEach` after every pass; stops after `stopAfter`
/// when it is not empty (a name not in the pipeline is a duet::Error listing
/// the names).
StageRun runStages(const Graph &input, const PartitionOptions &opts, std::string_view stopAfter,
                   const std::function<void(std::string_view, const Graph &)> &afterEach = {});

/// The compute nodes whose backend differs between two runs of the same
/// input, as (first run, second run) pairs in node order. Throws
/// duet::Error when the runs' nodes do not match (they always should).
std::vector<std::pair<PlacedNode, PlacedNode>> movedNodes(const StageRun &a, const StageRun &b);

/// What-if: partitions `input` with `base` (the default settings) and with
/// `whatIf`, and reports the nodes whose backend differs and the predicted
/// change of the estimated total. The settings strings describe each side.
std::string diffReport(const Graph &input, const PartitionOptions &base,
                       const std::string &baseSettings, const PartitionOptions &whatIf,
                       const std::string &whatIfSettings);

} // namespace duet::inspect
