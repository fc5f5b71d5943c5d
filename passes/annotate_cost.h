//===- passes/annotate_cost.h - "annotate-cost" -----------------*- C++ -*-===//
#pragma once

#include "passes/partition_options.h"
#include "passes/pass.h"

namespace duet {

/// "annotate-cost": stores on every node (Node::setCosts) its estimated time
/// on the pure and on the torch backend, from the cost profile (the shipped
/// defaults when opts.profile is null). Sources cost 0.
/// Pre: types are inferred. Post: the graph's structure, attributes and
/// backends are unchanged, so it reports "unchanged" (the estimates are not
/// part of the IR's meaning).
class AnnotateCostPass : public Pass {
public:
  AnnotateCostPass() = default;
  explicit AnnotateCostPass(PartitionOptions opts) : opts_(std::move(opts)) {}
  std::string_view name() const override { return "annotate-cost"; }
  bool run(Graph &g) override;

private:
  PartitionOptions opts_;
};

} // namespace duet
