//===- passes/inspect/dump_explain.cpp - why each node runs where it does ----------===//
//
// The partition and merge-regions passes leave their reason on each node
// (Node::reason). merge-regions overwrites the reason of a node it moves, so
// the dump keeps a snapshot taken right after partition to show both steps.
//
#include "passes/inspect/dump_model.h"

#include "passes/cost_profile.h"

#include <fmt/format.h>

#include <map>

namespace duet::inspect {

std::optional<NodeSnapshot> movedByMerge(const DumpData &d, const Node &n) {
  if (n.id() >= d.afterPartition.size() || !d.afterPartition[n.id()].valid)
    return std::nullopt;
  const NodeSnapshot &s = d.afterPartition[n.id()];
  if (s.backend == n.backend())
    return std::nullopt;
  return s;
}

std::string shortReason(const DumpData &d, const Node &n) {
  std::string r = n.reason();
  if (auto before = movedByMerge(d, n))
    r +=
        fmt::format(" [partition had chosen {}: {}]", backendName(before->backend), before->reason);
  return r;
}

namespace {

std::string compare(double pure, double torch) {
  if (pure <= 0 || torch <= 0)
    return "";
  if (torch < pure)
    return fmt::format(" (torch {:.2f}x faster)", pure / torch);
  return fmt::format(" (pure {:.2f}x faster)", torch / pure);
}

} // namespace

std::vector<std::string> explainLines(const DumpData &d) {
  const Graph &g = *d.graph;
  std::map<int, int> regionSize; // compute nodes per region
  for (const Node *n : g.nodes())
    if (n->backend() == Backend::Torch && n->region() >= 0 && !isConversionNode(*n))
      ++regionSize[n->region()];

  std::vector<std::string> lines;
  lines.push_back(fmt::format("explain: graph {}, {}", g.name(), d.settings()));
  for (const Node *n : g.nodes()) {
    if (n->isSource())
      continue;
    const std::string where = placement(*n);
    if (isConversionNode(*n)) {
      int64_t bytes = n->type().nbytes();
      lines.push_back(fmt::format(
          "  {} = {} -> {}: {}; converts {} (est. {})", d.label(*n), n->opName(), where,
          n->reason().empty() ? "boundary" : n->reason(), formatBytes(static_cast<double>(bytes)),
          formatSeconds(d.profile->conversionCost(bytes))));
      continue;
    }
    double pure = d.pureSeconds(*n), torch = d.torchSeconds(*n);
    lines.push_back(
        fmt::format("  {} = {} {} -> {}", d.label(*n), n->opName(), n->type().str(), where));
    lines.push_back(fmt::format("      estimate: pure {}, torch {}{}", formatSeconds(pure),
                                formatSeconds(torch), compare(pure, torch)));
    if (auto before = movedByMerge(d, *n)) {
      lines.push_back(
          fmt::format("      partition: {} ({})", backendName(before->backend), before->reason));
      lines.push_back(fmt::format("      merge-regions: moved to {}: {}", backendName(n->backend()),
                                  n->reason()));
    } else if (!n->reason().empty()) {
      lines.push_back(fmt::format("      decided by: {}", n->reason()));
    } else {
      lines.push_back(fmt::format("      decided by: nothing yet (graph shown after '{}', "
                                  "before partition)",
                                  d.stage));
    }
    if (n->backend() == Backend::Torch && n->region() >= 0) {
      int size = regionSize[n->region()];
      lines.push_back(fmt::format("      region {}: {} compute node{}", n->region(), size,
                                  size == 1 ? "" : "s"));
    }
  }
  return lines;
}

} // namespace duet::inspect
