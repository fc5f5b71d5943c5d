//===- passes/inspect/dump_diff.cpp - what-if: which nodes move, what it saves ----===//
#include "passes/inspect/dump_pipeline.h"

#include "ir/error.h"
#include "passes/cost_profile.h"
#include "passes/partition.h"

#include <fmt/format.h>

#include <cmath>

namespace duet::inspect {

namespace {

std::string signedSeconds(double s) {
  // fmt rather than `"+" + string`, which trips GCC 12's -Wrestrict.
  return fmt::format("{}{}", s > 0 ? "+" : s < 0 ? "-" : "", formatSeconds(std::fabs(s)));
}

} // namespace

std::vector<std::pair<PlacedNode, PlacedNode>> movedNodes(const StageRun &a, const StageRun &b) {
  const std::vector<PlacedNode> &p0 = a.beforeConversions, &p1 = b.beforeConversions;
  std::vector<std::pair<PlacedNode, PlacedNode>> moved;
  for (size_t id = 0; id < p0.size(); ++id) {
    const PlacedNode &n = p0[id];
    if (!n.valid)
      continue;
    // Both runs start from the same clone and run the same passes up to
    // partitioning, which only annotates: the nodes before conversions match.
    if (id >= p1.size() || !p1[id].valid || p1[id].op != n.op)
      throw Error(fmt::format("internal error: cannot match node {} ({}) between the two "
                              "partitions",
                              n.label, n.op));
    if (p1[id].backend != n.backend)
      moved.emplace_back(n, p1[id]);
  }
  return moved;
}

std::string diffReport(const Graph &input, const PartitionOptions &base,
                       const std::string &baseSettings, const PartitionOptions &whatIf,
                       const std::string &whatIfSettings) {
  StageRun before = runStages(input, base, "");
  StageRun after = runStages(input, whatIf, "");
  const Graph &g0 = *before.graph, &g1 = *after.graph;

  std::vector<std::string> changes;
  for (const auto &[n, m] : movedNodes(before, after)) {
    changes.push_back(
        fmt::format("  {} = {} {}: {} -> {}", n.label, n.op, n.type, n.placement, m.placement));
    changes.push_back(fmt::format("      default: {}", n.reason));
    changes.push_back(fmt::format("      what-if: {}", m.reason));
  }

  PlanEstimate e0 = estimatePlan(g0, profileOf(base)), e1 = estimatePlan(g1, profileOf(whatIf));
  std::string out = fmt::format("what-if for graph {}:\n  default: {}\n  what-if: {}\n",
                                input.name(), baseSettings, whatIfSettings);
  size_t moved = changes.size() / 3;
  if (moved == 0)
    out += "no node changes backend\n";
  else
    out += fmt::format("{} node{} change{} backend (names as in `--after merge-regions`):\n", moved,
                       moved == 1 ? "" : "s", moved == 1 ? "s" : "");
  for (const std::string &l : changes)
    out += l + "\n";
  double t0 = e0.totalSeconds(), t1 = e1.totalSeconds();
  out += fmt::format("predicted total: {} -> {} ({}{})\n", formatSeconds(t0), formatSeconds(t1),
                     signedSeconds(t1 - t0),
                     t0 > 0 ? fmt::format(", {:+.1f}%", 100.0 * (t1 - t0) / t0) : "");
  for (const std::string &l : summaryTable({"default", "what-if"}, {&e0, &e1}))
    out += "  " + l + "\n";
  return out;
}

} // namespace duet::inspect
