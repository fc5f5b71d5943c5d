//===- passes/partition.cpp - "partition" ----------------------------------===//
#include "passes/partition.h"

#include "ir/error.h"
#include "ir/graph.h"
#include "passes/cost_profile.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace duet {

PartitionOptions defaultNamedPassOptions() {
  PartitionOptions opts;
  opts.mode = Mode::Auto;
  opts.torchSupports = [](const Node &, std::string *) { return true; };
  return opts;
}

const CostProfile &profileOf(const PartitionOptions &opts) {
  static const CostProfile kDefaults = CostProfile::defaults();
  return opts.profile ? *opts.profile : kDefaults;
}

std::optional<double> thresholdOf(const PartitionOptions &opts, std::string_view op) {
  auto it = opts.thresholds.find(std::string(op));
  if (it != opts.thresholds.end())
    return it->second;
  return profileOf(opts).threshold(op);
}

std::string nodeRef(const Graph &g, const Node &n) {
  if (!n.name().empty())
    return fmt::format("%{}", n.name());
  int k = 0;
  for (const Node *m : g.nodes()) {
    if (m == &n)
      return fmt::format("%{}", k);
    k += m->name().empty() ? 1 : 0;
  }
  return fmt::format("%<node {}>", n.id());
}

PartitionPass::PartitionPass() : opts_(defaultNamedPassOptions()) {}

namespace {

struct Decision {
  Backend backend;
  std::string reason;
};

int64_t largestNumel(const Node &n) {
  int64_t m = n.type().numel();
  for (const Node *in : n.inputs())
    m = std::max(m, in->type().numel());
  return m;
}

// 1000000 rather than 1e+06, so a threshold reads as the user wrote it.
std::string formatCount(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    return fmt::format("{}", static_cast<int64_t>(v));
  return fmt::format("{}", v);
}

Decision decideAuto(const Node &n, const PartitionOptions &opts) {
  if (auto t = thresholdOf(opts, n.opName())) {
    int64_t numel = largestNumel(n);
    bool torch = static_cast<double>(numel) >= *t;
    return {torch ? Backend::Torch : Backend::Pure,
            fmt::format("threshold {}={} (numel {} {} threshold)", n.opName(), formatCount(*t),
                        numel, torch ? "≥" : "<")};
  }
  double pure = n.costPure(), torch = n.costTorch();
  if (pure == 0.0 && torch == 0.0) { // not annotated: estimate here
    pure = profileOf(opts).estimateNode(n, Backend::Pure);
    torch = profileOf(opts).estimateNode(n, Backend::Torch);
  }
  if (torch < pure)
    return {Backend::Torch,
            fmt::format("estimate torch {} < pure {}", formatSeconds(torch), formatSeconds(pure))};
  return {Backend::Pure,
          fmt::format("estimate pure {} <= torch {}", formatSeconds(pure), formatSeconds(torch))};
}

Decision decide(const Node &n, const PartitionOptions &opts) {
  if (n.isSource())
    return {Backend::Pure, "source"};
  if (n.info().category == OpCategory::Collective) // Gloo reduces CPU buffers in any mode
    return {Backend::Pure, "collective: runs on CPU buffers through the process group"};
  if (opts.mode == Mode::Pure)
    return {Backend::Pure, "mode pure"};
  std::string whyNot;
  if (!opts.torchSupports)
    return {Backend::Pure, "torch backend absent"};
  if (!opts.torchSupports(n, &whyNot))
    return {Backend::Pure, "torch cannot run it" + (whyNot.empty() ? "" : ": " + whyNot)};
  if (opts.mode == Mode::Torch)
    return {Backend::Torch, "mode torch"};
  return decideAuto(n, opts);
}

} // namespace

bool PartitionPass::run(Graph &g) {
  for (const Node *n : g.nodes())
    if (n->info().category == OpCategory::Conversion)
      throw Error(fmt::format("partition: {} ({}) is a conversion node; partition runs before "
                              "insert-conversions",
                              nodeRef(g, *n), n->opName()));
  bool changed = false;
  for (Node *n : g.nodes()) {
    Decision d = decide(*n, opts_);
    changed |= n->backend() != d.backend || n->region() != -1;
    n->setBackend(d.backend);
    n->setRegion(-1);
    n->setReason(std::move(d.reason));
  }
  return changed;
}

} // namespace duet
