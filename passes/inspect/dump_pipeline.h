//===- passes/inspect/dump_pipeline.h - running the plan passes for a dump -*- C++ -*-===//
#pragma once

#include "passes/inspect/dump_model.h"

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace duet::inspect {

/// The graph after the plan passes (or after `stopAfter`), with what the
/// dump's views need from intermediate stages.
struct StageRun {
  std::unique_ptr<Graph> graph;
  std::string lastPass;
  bool complete = true;
  std::vector<NodeSnapshot> afterPartition; // by NodeId; empty if partition did not run
  /// Printer labels before insert-conversions (conversions renumber the
  /// anonymous values after them), by NodeId: how --diff names nodes.
  std::vector<std::string> preConversionLabels;
};

/// Runs planPassNames() on a copy of `input` (conversions stripped) one pass
/// at a time, calling `afterEach` after every pass; stops after `stopAfter`
/// when it is not empty (a name not in the pipeline is a duet::Error listing
/// the names).
StageRun runStages(const Graph &input, const PartitionOptions &opts, std::string_view stopAfter,
                   const std::function<void(std::string_view, const Graph &)> &afterEach = {});

/// What-if: partitions `input` with `base` (the default settings) and with
/// `whatIf`, and reports the nodes whose backend differs and the predicted
/// change of the estimated total. The settings strings describe each side.
std::string diffReport(const Graph &input, const PartitionOptions &base,
                       const std::string &baseSettings, const PartitionOptions &whatIf,
                       const std::string &whatIfSettings);

} // namespace duet::inspect
