//===- passes/inspect/dump_summary.cpp - the table every dump ends with ------------===//
#include "passes/inspect/dump_model.h"

#include "passes/cost_profile.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace duet::inspect {

namespace {

/// "-" for nothing, so the cells that matter stand out.
std::string cell(double seconds) { return seconds == 0 ? "-" : formatSeconds(seconds); }

} // namespace

std::vector<std::string> summaryTable(const std::vector<std::string> &names,
                                      const std::vector<const PlanEstimate *> &plans) {
  using Row = std::pair<std::string, std::vector<std::string>>;
  auto row = [&](std::string title, auto cell) {
    Row r{std::move(title), {}};
    for (const PlanEstimate *p : plans)
      r.second.push_back(p ? cell(*p) : std::string("n/a"));
    return r;
  };
  auto count = [](int64_t v) { return std::to_string(v); };
  std::vector<Row> rows = {
      row("pure nodes", [&](const PlanEstimate &p) { return count(p.pureNodes); }),
      row("pure time", [](const PlanEstimate &p) { return cell(p.pureSeconds); }),
      row("torch nodes", [&](const PlanEstimate &p) { return count(p.torchNodes); }),
      row("torch time", [](const PlanEstimate &p) { return cell(p.torchSeconds); }),
      row("torch regions", [&](const PlanEstimate &p) { return count(p.regions); }),
      row("region launches", [](const PlanEstimate &p) { return cell(p.launchSeconds); }),
      row("conversions", [&](const PlanEstimate &p) { return count(p.conversions); }),
      row("bytes converted",
          [](const PlanEstimate &p) { return formatBytes(static_cast<double>(p.convertedBytes)); }),
      row("conversion time", [](const PlanEstimate &p) { return cell(p.conversionSeconds); }),
      row("estimated total", [](const PlanEstimate &p) { return cell(p.totalSeconds()); }),
  };
  size_t titleWidth = 0, width = 9;
  for (const Row &r : rows) {
    titleWidth = std::max(titleWidth, r.first.size());
    for (const std::string &c : r.second)
      width = std::max(width, c.size());
  }
  for (const std::string &n : names)
    width = std::max(width, n.size());
  std::vector<std::string> lines;
  std::string header = fmt::format("{:<{}}", "", titleWidth);
  for (const std::string &n : names)
    header += fmt::format("  {:>{}}", n, width);
  lines.push_back(header);
  for (const Row &r : rows) {
    std::string line = fmt::format("{:<{}}", r.first, titleWidth);
    for (const std::string &c : r.second)
      line += fmt::format("  {:>{}}", c, width);
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> summaryLines(const DumpData &d) {
  std::vector<std::string> lines;
  lines.push_back(fmt::format("summary: graph {}, {} (cost-model estimates of one run)",
                              d.graph->name(), d.settings()));
  if (!d.complete)
    lines.push_back(fmt::format("  (graph shown after '{}': 'this plan' counts it as it "
                                "stands, unassigned nodes as pure)",
                                d.stage));
  std::vector<const PlanEstimate *> plans = {&d.chosen, &d.allPure,
                                             d.allTorch ? &*d.allTorch : nullptr};
  for (std::string &l : summaryTable({"this plan", "all-pure", "all-torch"}, plans))
    lines.push_back("  " + l);
  double total = d.chosen.totalSeconds();
  auto versus = [&](const char *name, const PlanEstimate *p) -> std::string {
    if (!p)
      return fmt::format("{} n/a (no torch backend)", name);
    double other = p->totalSeconds();
    if (total <= 0 || other <= 0)
      return fmt::format("{} {}", name, formatSeconds(other));
    if (std::fabs(other - total) <= 0.005 * total)
      return fmt::format("same estimate as {}", name);
    if (other >= total)
      return fmt::format("{:.2f}x faster than {}", other / total, name);
    return fmt::format("{:.2f}x slower than {}", total / other, name);
  };
  lines.push_back(fmt::format("  this plan: {}; {}", versus("all-pure", &d.allPure),
                              versus("all-torch", d.allTorch ? &*d.allTorch : nullptr)));
  return lines;
}

} // namespace duet::inspect
