//===- tools/tune_report.cpp - `duet tune --show` and `--diff` ------------===//
#include "tools/tune_command.h"

#include "backends/runtime/machine_info.h"
#include "backends/torch_backend.h"
#include "ir/graph.h"
#include "ir/parser.h"
#include "passes/cost_profile.h"
#include "passes/crossover.h"
#include "passes/inspect/dump_pipeline.h"
#include "passes/op_sweep.h"
#include "passes/plan_estimate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace duet::cli {

namespace {

std::string machineLine(const CostProfile &p) {
  auto get = [&](const char *k) {
    auto it = p.machine.find(k);
    return it == p.machine.end() ? std::string("?") : it->second;
  };
  if (!p.machine.count("tuned")) {
    auto it = p.machine.find("description");
    return it != p.machine.end() ? it->second : "not measured by duet tune";
  }
  return fmt::format("tuned {} ({}, {} s) on {} ({} cores), {}, BLAS {}, torch threads {}",
                     get("tuned"), get("tune_mode"), get("tune_seconds"), get("cpu"), get("cores"),
                     get("torch"), get("blas"), get("torch_threads"));
}

std::string fitText(const CostProfile &p, const std::string &op, const char *backend) {
  auto it = p.fit.find(op);
  if (it == p.fit.end())
    return "-";
  auto q = it->second.find(backend);
  if (q == it->second.end())
    return "-";
  return fmt::format("{:.1f}%", 100 * q->second.relRmsError);
}

std::string perUnit(double secondsPer, double unit, const char *name) {
  return formatSeconds(secondsPer * unit) + "/" + name;
}

std::string costText(const OpCost &c) {
  return fmt::format("{} + {} + {}", formatSeconds(c.overheadS),
                     perUnit(c.secPerFlop, 1e9, "GFLOP"), perUnit(c.secPerByte, 1e9, "GB"));
}

std::string conversionText(const CostProfile &p) {
  // Per byte as a bandwidth: zero-copy conversions cost ~0 s/GB, which
  // formatSeconds printed as "0ns/GB".
  // Above 1 TB/s no data moves: the conversions are zero-copy views.
  double gbPerSecond = p.convPerByteS > 0 ? 1e-9 / p.convPerByteS : INFINITY;
  std::string perByte = gbPerSecond < 1000 ? fmt::format("{:.1f} GB/s", gbPerSecond)
                                           : std::string("~free (zero-copy)");
  return fmt::format("region launch {}, per value {}, copies {}", formatSeconds(p.regionLaunchS),
                     formatSeconds(p.convPerValueS), perByte);
}

/// Rows of cells as left-aligned columns as wide as their widest cell.
std::string table(const std::vector<std::vector<std::string>> &rows) {
  std::vector<size_t> width;
  for (const auto &row : rows)
    for (size_t c = 0; c < row.size(); ++c) {
      width.resize(std::max(width.size(), row.size()), 0);
      width[c] = std::max(width[c], row[c].size());
    }
  std::string out;
  for (const auto &row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c)
      line += c + 1 == row.size() ? row[c] : fmt::format("{:<{}}  ", row[c], width[c]);
    out += line + "\n";
  }
  return out;
}

/// Whether the op's estimates differ by more than 10% at some swept size.
bool estimatesDiffer(const CostProfile &a, const CostProfile &b, OpKind op, Backend be) {
  for (const SweepPoint &pt : sweepPoints(op, /*quick=*/false)) {
    OpCase c = buildOpCase(op, pt.size, pt.variant);
    double x = a.estimateNode(*c.node, be), y = b.estimateNode(*c.node, be);
    if (std::fabs(x - y) > 0.1 * std::max(std::fabs(x), std::fabs(y)))
      return true;
  }
  return false;
}

PartitionOptions autoOptions(const CostProfile &p) {
  PartitionOptions o;
  o.mode = Mode::Auto;
  o.profile = std::make_shared<const CostProfile>(p);
  if (TorchBackend *torch = torchBackend())
    o.torchSupports = [torch](const Node &n, std::string *whyNot) {
      return torch->supports(n, whyNot);
    };
  else // what the profile would decide on a machine with torch
    o.torchSupports = [](const Node &, std::string *) { return true; };
  return o;
}

std::string graphDiff(const std::filesystem::path &file, const CostProfile &a,
                      const CostProfile &b) {
  std::unique_ptr<Graph> g = parseGraphFile(file.string());
  inspect::StageRun ra = inspect::runStages(*g, autoOptions(a), "");
  inspect::StageRun rb = inspect::runStages(*g, autoOptions(b), "");
  double ta = estimatePlan(*ra.graph, a).totalSeconds();
  double tb = estimatePlan(*rb.graph, b).totalSeconds();
  auto moved = inspect::movedNodes(ra, rb);
  std::string name = file.filename().string();
  if (moved.empty())
    return fmt::format("  {}: same partition (predicted {} / {})\n", name, formatSeconds(ta),
                       formatSeconds(tb));
  std::string out =
      fmt::format("  {}: {} node{} change backend (predicted {} -> {})\n", name, moved.size(),
                  moved.size() == 1 ? "" : "s", formatSeconds(ta), formatSeconds(tb));
  for (const auto &[n, m] : moved)
    out += fmt::format("    {} {} {}: {} -> {}\n", n.label, n.op, n.type, backendName(n.backend),
                       backendName(m.backend));
  return out;
}

} // namespace

std::string profileShowReport(const CostProfile &p, const std::string &name) {
  std::string out =
      fmt::format("profile {}\n  {}\n  conversions: {}\n", name, machineLine(p), conversionText(p));
  for (const std::string &why : staleReasons(p))
    out += fmt::format("  stale: {}\n", why);
  out += "\n'torch wins from' compares the op estimates (what the partitioner does; the "
         "equivalent --threshold is the numel); 'standalone' adds a region launch and the "
         "conversions of a lone torch node.\n\n";
  std::vector<std::vector<std::string>> rows = {
      {"op", "size", "torch wins from", "standalone", "fit error pure / torch"}};
  for (OpKind op : tunableOps()) {
    std::string opname(opName(op));
    rows.push_back(
        {opname, sizeMeaning(op), describeCrossover(findCrossover(p, op), op),
         describeCrossover(findCrossover(p, op, true), op),
         fmt::format("{} / {}{}", fitText(p, opname, "pure"), fitText(p, opname, "torch"),
                     p.fit.count(opname) ? "" : "  (defaults)")});
  }
  out += table(rows);
  return out;
}

std::string profileDiffReport(const CostProfile &a, const std::string &nameA, const CostProfile &b,
                              const std::string &nameB, const std::string &examplesDir) {
  std::string out =
      fmt::format("A: {}\n   {}\nB: {}\n   {}\n", nameA, machineLine(a), nameB, machineLine(b));
  std::vector<std::string> machine;
  for (const std::string &key : timingKeys()) {
    auto x = a.machine.find(key), y = b.machine.find(key);
    std::string vx = x == a.machine.end() ? "-" : x->second;
    std::string vy = y == b.machine.end() ? "-" : y->second;
    if (vx != vy)
      machine.push_back(fmt::format("  {}: {} -> {}\n", key, vx, vy));
  }
  out += machine.empty() ? "machine: same settings\n" : "machine:\n";
  for (const std::string &l : machine)
    out += l;
  if (a.regionLaunchS != b.regionLaunchS || a.convPerValueS != b.convPerValueS ||
      a.convPerByteS != b.convPerByteS)
    out += fmt::format("conversions:\n  A: {}\n  B: {}\n", conversionText(a), conversionText(b));
  else
    out += "conversions: same\n";

  std::string ops;
  int changed = 0, same = 0;
  for (OpKind op : tunableOps()) {
    std::string opname(opName(op));
    Crossover ca = findCrossover(a, op), cb = findCrossover(b, op);
    bool moved = ca.kind != cb.kind || ca.size != cb.size;
    std::string lines;
    for (Backend be : {Backend::Pure, Backend::Torch})
      if (estimatesDiffer(a, b, op, be))
        lines += fmt::format("    {}: {} -> {}\n", backendName(be), costText(a.opCost(opname, be)),
                             costText(b.opCost(opname, be)));
    if (!moved && lines.empty()) {
      ++same;
      continue;
    }
    ++changed;
    ops += fmt::format("  {}: torch wins from {} -> {}\n{}", opname, describeCrossover(ca, op),
                       describeCrossover(cb, op), lines);
  }
  out += fmt::format("ops: {} changed (estimates differ by more than 10% at a swept size, or "
                     "the crossover moved), {} unchanged\n{}",
                     changed, same, ops);

  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto &e : std::filesystem::directory_iterator(examplesDir, ec))
    if (e.path().extension() == ".duet")
      files.push_back(e.path());
  std::sort(files.begin(), files.end());
  if (files.empty())
    return out +
           fmt::format("example graphs: none found in '{}' (pass --examples DIR)\n", examplesDir);
  out += fmt::format("example graphs in {} (auto mode), A -> B:\n", examplesDir);
  for (const auto &f : files)
    out += graphDiff(f, a, b);
  return out;
}

} // namespace duet::cli
