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

std::string diffReport(const Graph &input, const PartitionOptions &base,
                       const std::string &baseSettings, const PartitionOptions &whatIf,
                       const std::string &whatIfSettings) {
  StageRun before = runStages(input, base, "");
  StageRun after = runStages(input, whatIf, "");
  const Graph &g0 = *before.graph, &g1 = *after.graph;

  std::vector<std::string> changes;
  for (const Node *n : g0.nodes()) {
    if (n->isSource() || isConversionNode(*n))
      continue;
    // Both runs start from the same clone and run the same passes before
    // partitioning, so node ids match; conversions only add nodes.
    const Node *m = g1.nodeById(n->id());
    if (!m || m->op() != n->op())
      throw Error(fmt::format("internal error: --diff cannot match node {} ({}) between the "
                              "two partitions",
                              before.preConversionLabels.at(n->id()), n->opName()));
    if (m->backend() == n->backend())
      continue;
    changes.push_back(fmt::format("  {} = {} {}: {} -> {}", before.preConversionLabels.at(n->id()),
                                  n->opName(), n->type().str(), placement(*n), placement(*m)));
    changes.push_back(fmt::format("      default: {}", n->reason()));
    changes.push_back(fmt::format("      what-if: {}", m->reason()));
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
