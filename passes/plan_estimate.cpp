//===- passes/plan_estimate.cpp - what a partition is predicted to cost ---===//
#include "passes/fuse_elementwise.h"
#include "passes/plan_estimate.h"

#include "ir/graph.h"
#include "passes/annotate_cost.h"
#include "passes/cost_profile.h"
#include "passes/insert_conversions.h"
#include "passes/merge_regions.h"
#include "passes/partition.h"
#include "passes/pass_manager.h"

#include <algorithm>
#include <set>

namespace duet {

namespace {

bool isConversion(const Node &n) { return n.info().category == OpCategory::Conversion; }

/// Torch nodes run in regions; a torch node outside any region (-1) is one
/// of its own, keyed past every real id so keys never collide.
int64_t regionKey(const Node &n) {
  return n.region() >= 0 ? n.region() : (int64_t{1} << 40) + n.id();
}

bool runsOnTorch(const Node &n) {
  if (n.isSource() || n.backend() != Backend::Torch)
    return false;
  // Outside a region a conversion is an identity the scheduler aliases.
  return !isConversion(n) || n.region() >= 0;
}

} // namespace

PlanEstimate estimatePlan(const Graph &g, const CostProfile &profile) {
  PlanEstimate e;
  std::set<int64_t> regions;
  bool explicitConversions = false;
  for (const Node *n : g.nodes()) {
    if (n->isSource())
      continue;
    if (isConversion(*n)) {
      explicitConversions = true;
      if (!runsOnTorch(*n))
        continue;
      regions.insert(regionKey(*n));
      ++e.conversions;
      e.convertedBytes += n->type().nbytes();
      e.conversionSeconds += profile.conversionCost(n->type().nbytes());
      continue;
    }
    if (runsOnTorch(*n)) {
      regions.insert(regionKey(*n));
      ++e.torchNodes;
      e.torchSeconds += profile.estimateNode(*n, Backend::Torch);
    } else {
      ++e.pureNodes;
      e.pureSeconds += profile.estimateNode(*n, Backend::Pure);
    }
  }

  if (!explicitConversions) {
    // The crossings insert-conversions would make explicit.
    std::vector<char> isOutput(g.idBound(), 0);
    for (const Node *o : g.outputs())
      isOutput[o->id()] = 1;
    std::set<std::pair<NodeId, int64_t>> entering;
    std::set<NodeId> leaving;
    for (const Node *n : g.nodes()) {
      if (!runsOnTorch(*n))
        continue;
      int64_t r = regionKey(*n);
      auto inside = [&](const Node *m) { return runsOnTorch(*m) && regionKey(*m) == r; };
      for (const Node *in : n->inputs())
        if (!inside(in))
          entering.emplace(in->id(), r);
      if (isOutput[n->id()] || !std::all_of(n->users().begin(), n->users().end(), inside))
        leaving.insert(n->id());
    }
    auto account = [&](NodeId id) {
      int64_t bytes = g.nodeById(id)->type().nbytes();
      ++e.conversions;
      e.convertedBytes += bytes;
      e.conversionSeconds += profile.conversionCost(bytes);
    };
    for (const auto &[id, r] : entering)
      account(id);
    for (NodeId id : leaving)
      account(id);
  }
  e.regions = static_cast<int64_t>(regions.size());
  e.launchSeconds = profile.regionLaunchS * static_cast<double>(e.regions);
  return e;
}

std::vector<std::string> planPassNames(std::string_view pipeline) {
  if (pipeline.empty())
    pipeline = defaultPipeline();
  std::vector<std::string> names;
  std::string current;
  for (char c : pipeline) {
    if (c == ',') {
      names.push_back(current);
      current.clear();
    } else if (c != ' ' && c != '\t' && c != '\n') {
      current += c;
    }
  }
  names.push_back(current);
  std::erase(names, std::string());
  for (const char *p :
       {"annotate-cost", "partition", "merge-regions", "insert-conversions", "fuse-elementwise"})
    names.emplace_back(p);
  return names;
}

std::unique_ptr<Pass> createPlanPass(std::string_view name, const PartitionOptions &opts) {
  if (name == "annotate-cost")
    return std::make_unique<AnnotateCostPass>(opts);
  if (name == "partition")
    return std::make_unique<PartitionPass>(opts);
  if (name == "merge-regions")
    return std::make_unique<MergeRegionsPass>(opts);
  if (name == "fuse-elementwise")
    return std::make_unique<FuseElementwisePass>(opts.fuseElementwise);
  return createPass(name);
}

bool stripConversions(Graph &g) {
  std::vector<Node *> conversions;
  for (Node *n : g.nodes())
    if (isConversion(*n))
      conversions.push_back(n);
  // In order, so a from_torch -> to_torch pair collapses onto the original.
  for (Node *c : conversions)
    g.replaceAllUsesWith(c, c->input(0));
  if (!conversions.empty())
    g.eraseNodes(conversions);
  return !conversions.empty();
}

std::unique_ptr<Graph> partitionedCopy(const Graph &g, const PartitionOptions &opts,
                                       std::string_view pipeline) {
  std::unique_ptr<Graph> copy = g.clone();
  stripConversions(*copy);
  PassManager pm;
  for (const std::string &name : planPassNames(pipeline))
    pm.add(createPlanPass(name, opts));
  pm.run(*copy);
  return copy;
}

PlanEstimate estimateForMode(const Graph &g, PartitionOptions opts, Mode m,
                             std::string_view pipeline) {
  opts.mode = m;
  return estimatePlan(*partitionedCopy(g, opts, pipeline), profileOf(opts));
}

PlanComparison comparePlans(const Graph &g, const PartitionOptions &opts,
                            std::string_view pipeline) {
  PlanComparison c;
  c.chosen = estimatePlan(*partitionedCopy(g, opts, pipeline), profileOf(opts));
  c.allPure = estimateForMode(g, opts, Mode::Pure, pipeline);
  if (opts.torchSupports)
    c.allTorch = estimateForMode(g, opts, Mode::Torch, pipeline);
  return c;
}

} // namespace duet
