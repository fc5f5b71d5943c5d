//===- passes/inspect/dump_json.cpp - the partitioned graph as JSON ----------------===//
//
// Schema "duet-dump" version 1, documented field by field in
// docs/dump-format.md. Bump kVersion on any incompatible change.
//
#include "passes/inspect/dump_model.h"

#include "passes/cost_profile.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace duet::inspect {

namespace {

using Json = nlohmann::ordered_json;
constexpr int kVersion = 1;

Json planJson(const PlanEstimate &p) {
  return {{"pure_nodes", p.pureNodes},
          {"pure_s", p.pureSeconds},
          {"torch_nodes", p.torchNodes},
          {"torch_s", p.torchSeconds},
          {"regions", p.regions},
          {"launch_s", p.launchSeconds},
          {"conversions", p.conversions},
          {"converted_bytes", p.convertedBytes},
          {"conversion_s", p.conversionSeconds},
          {"total_s", p.totalSeconds()}};
}

const char *kindOf(const Node &n) {
  return n.isSource() ? "source" : isConversionNode(n) ? "conversion" : "compute";
}

bool inRegion(const Node &n, int r) {
  return r >= 0 && !n.isSource() && n.backend() == Backend::Torch && n.region() == r;
}

Json labelsOf(const DumpData &d, const std::vector<const Node *> &nodes) {
  Json a = Json::array();
  for (const Node *n : nodes)
    a.push_back(d.label(*n));
  return a;
}

Json regionsJson(const DumpData &d) {
  const Graph &g = *d.graph;
  std::set<const Node *> outputs(g.outputs().begin(), g.outputs().end());
  std::map<int, std::vector<const Node *>> members;
  for (const Node *n : g.nodes())
    if (inRegion(*n, n->region()))
      members[n->region()].push_back(n);
  Json regions = Json::array();
  for (const auto &[r, nodes] : members) {
    std::vector<const Node *> in, out;
    int64_t compute = 0, conversions = 0, bytes = 0;
    double seconds = d.profile->regionLaunchS;
    for (const Node *n : nodes) {
      seconds += d.chosenSeconds(*n);
      if (isConversionNode(*n)) {
        ++conversions;
        bytes += n->type().nbytes();
      } else {
        ++compute;
      }
      for (const Node *x : n->inputs())
        if (!inRegion(*x, r) && std::find(in.begin(), in.end(), x) == in.end())
          in.push_back(x);
      bool leaves = outputs.count(n) > 0;
      for (const Node *u : n->users())
        leaves |= !inRegion(*u, r);
      if (leaves)
        out.push_back(n);
    }
    regions.push_back({{"id", r},
                       {"backend", "torch"},
                       {"nodes", labelsOf(d, nodes)},
                       {"compute_nodes", compute},
                       {"conversions", conversions},
                       {"converted_bytes", bytes},
                       {"inputs", labelsOf(d, in)},
                       {"outputs", labelsOf(d, out)},
                       {"estimate_s", seconds}});
  }
  return regions;
}

Json nodeJson(const DumpData &d, const Node &n, size_t index, bool output) {
  Json shape = Json::array();
  for (int64_t dim : n.shape())
    shape.push_back(dim);
  Json j = {{"id", d.label(n)},
            {"index", index},
            {"op", n.opName()},
            {"kind", kindOf(n)},
            {"name", n.name()},
            {"type", n.type().str()},
            {"dtype", dtypeName(n.dtype())},
            {"shape", shape},
            {"bytes", n.type().nbytes()},
            {"inputs", labelsOf(d, {n.inputs().begin(), n.inputs().end()})},
            {"output", output},
            {"backend", backendName(n.backend())},
            {"region",
             n.backend() == Backend::Torch && n.region() >= 0 ? Json(n.region()) : Json(nullptr)}};
  double pure = d.pureSeconds(n), torch = d.torchSeconds(n);
  j["estimate"] = {{"pure_s", pure},
                   {"torch_s", torch},
                   {"chosen_s", n.backend() == Backend::Torch ? torch : pure}};
  j["reason"] = n.reason();
  if (n.id() < d.afterPartition.size() && d.afterPartition[n.id()].valid) {
    const NodeSnapshot &s = d.afterPartition[n.id()];
    j["partition"] = {{"backend", backendName(s.backend)}, {"reason", s.reason}};
  } else {
    j["partition"] = nullptr;
  }
  j["moved_by_merge"] = movedByMerge(d, n).has_value();
  return j;
}

} // namespace

std::string emitJson(const DumpData &d) {
  const Graph &g = *d.graph;
  std::set<const Node *> outputs(g.outputs().begin(), g.outputs().end());
  Json thresholds = Json::object();
  for (const auto &[op, v] : d.thresholds)
    thresholds[op] = v;

  Json nodes = Json::array(), edges = Json::array(), assignments = Json::object();
  size_t index = 0;
  for (const Node *n : g.nodes()) {
    nodes.push_back(nodeJson(d, *n, index++, outputs.count(n) > 0));
    assignments[d.label(*n)] = placement(*n);
    for (size_t i = 0; i < n->numInputs(); ++i) {
      const Node &u = *n->input(i);
      auto torchRegion = [](const Node &m) {
        return m.backend() == Backend::Torch && !m.isSource() ? m.region() : -2;
      };
      edges.push_back({{"from", d.label(u)},
                       {"to", d.label(*n)},
                       {"operand", i},
                       {"type", u.type().str()},
                       {"bytes", u.type().nbytes()},
                       {"boundary", torchRegion(u) != torchRegion(*n)}});
    }
  }

  Json doc = {
      {"format", "duet-dump"},
      {"version", kVersion},
      {"graph", g.name()},
      {"stage", d.stage},
      {"complete", d.complete},
      {"settings",
       {{"mode", modeName(d.mode)}, {"profile", d.profileName}, {"thresholds", thresholds}}},
      {"inputs", labelsOf(d, {g.inputs().begin(), g.inputs().end()})},
      {"params", labelsOf(d, {g.params().begin(), g.params().end()})},
      {"outputs", labelsOf(d, {g.outputs().begin(), g.outputs().end()})},
      {"nodes", std::move(nodes)},
      {"edges", std::move(edges)},
      {"regions", regionsJson(d)},
      {"assignments", std::move(assignments)}};
  doc["summary"] = {{"this_plan", planJson(d.chosen)},
                    {"all_pure", planJson(d.allPure)},
                    {"all_torch", d.allTorch ? planJson(*d.allTorch) : Json(nullptr)}};
  if (d.explain) {
    Json lines = Json::array();
    for (const std::string &l : explainLines(d))
      lines.push_back(l);
    doc["explain"] = std::move(lines);
  }
  return doc.dump(2) + "\n";
}

} // namespace duet::inspect
