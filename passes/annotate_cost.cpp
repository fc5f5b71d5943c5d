//===- passes/annotate_cost.cpp - "annotate-cost" --------------------------===//
#include "passes/annotate_cost.h"

#include "ir/graph.h"
#include "passes/cost_profile.h"
#include "passes/partition.h"

namespace duet {

bool AnnotateCostPass::run(Graph &g) {
  const CostProfile &profile = profileOf(opts_);
  for (Node *n : g.nodes())
    n->setCosts(profile.estimateNode(*n, Backend::Pure), profile.estimateNode(*n, Backend::Torch));
  // Estimates are annotations for the partitioner, not IR: nothing the
  // verifier, the printer or a structural hash sees has changed.
  return false;
}

} // namespace duet
