//===- passes/partition.h - "partition" -------------------------*- C++ -*-===//
#pragma once

#include "passes/partition_options.h"
#include "passes/pass.h"

#include <optional>
#include <string>

namespace duet {

class CostProfile;
class Graph;

/// "partition": assigns every node a backend and a reason (Node::reason).
///  - sources (input, param, constant) are pure: they live in pure buffers;
///  - pure mode: everything pure;
///  - torch mode: torch wherever opts.torchSupports says torch can run it;
///  - auto mode: ops torch cannot run stay pure; an op with a threshold (from
///    opts.thresholds, else the profile) goes to torch iff its largest
///    operand/result numel is >= the threshold; otherwise the cheaper
///    estimate wins (annotate-cost's, or the profile's if not annotated;
///    ties stay pure).
/// Every region id is reset to -1 (merge-regions assigns them).
/// Pre: no conversion nodes (throws duet::Error otherwise).
/// Changed iff some backend changed.
/// Default construction (the pipeline name "partition") means auto mode,
/// default profile, torch assumed able to run every op.
class PartitionPass : public Pass {
public:
  PartitionPass();
  explicit PartitionPass(PartitionOptions opts) : opts_(std::move(opts)) {}
  std::string_view name() const override { return "partition"; }
  bool run(Graph &g) override;

private:
  PartitionOptions opts_;
};

/// The options the pipeline names use: auto mode, default profile, every
/// non-source op supported by torch.
PartitionOptions defaultNamedPassOptions();
/// opts.profile, or the shipped defaults when null.
const CostProfile &profileOf(const PartitionOptions &opts);
/// How the printer names `n` ("%x", or "%3" for the 4th anonymous value);
/// O(graph) per call, for error messages.
std::string nodeRef(const Graph &g, const Node &n);
/// The threshold in force for `op`: opts.thresholds first, then the profile.
std::optional<double> thresholdOf(const PartitionOptions &opts, std::string_view op);

} // namespace duet
