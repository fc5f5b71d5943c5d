//===- backends/runtime/schedule.cpp - partitioned graph -> steps ---------===//
//
// Turns the annotated graph into the flat step list the executor runs:
//  - every node gets a slot in the value table (its position in the order);
//  - sources are bound by slot (inputs, params) or evaluated once here
//    (constants);
//  - pure nodes become single steps; torch nodes are grouped by region id
//    (a torch node with region -1 is a region of its own) into region steps;
//  - steps are ordered topologically, each at the position of its first
//    node when possible (region merging guarantees that is valid; we check
//    rather than trust it).
//
#include "backends/runtime/executor.h"

#include "backends/pure/interpreter.h"
#include "ir/error.h"
#include "ir/value_names.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <queue>

namespace duet {

namespace {

bool isConversion(const Node &n) { return n.info().category == OpCategory::Conversion; }

/// Estimated seconds from the annotate-cost pass (0 when it did not run).
double estimatedSeconds(const Node &n, bool torch) { return torch ? n.costTorch() : n.costPure(); }

/// A schedulable unit before ordering: one pure node or one region.
struct Unit {
  size_t position;            // of its first node in the graph order
  std::vector<const Node *> nodes;
  bool isRegion = false;
  int regionId = -1;
};

PureStep makePureStep(const Node &n, const std::vector<int> &slotOf) {
  PureStep s;
  s.node = &n;
  s.output = slotOf[n.id()];
  for (const Node *in : n.inputs())
    s.inputs.push_back(slotOf[in->id()]);
  s.alias = isConversion(n);
  return s;
}

} // namespace

std::shared_ptr<Executor> buildExecutor(std::unique_ptr<Graph> graph, CompileOptions options,
                                        std::vector<PassTiming> passTimings) {
  Executor::Parts p;
  const Graph &g = *graph;
  const std::vector<Node *> &order = g.nodes();
  const std::vector<std::string> labels = valueLabels(g);
  auto ref = [&](const Node &n) { return labelOf(g, labels, &n); };

  std::vector<int> slotOf(g.idBound(), -1);
  std::vector<size_t> positionOf(g.idBound(), 0);
  for (size_t i = 0; i < order.size(); ++i) {
    slotOf[order[i]->id()] = static_cast<int>(i);
    positionOf[order[i]->id()] = i;
  }
  p.numSlots = static_cast<int>(order.size());
  for (const Node *n : g.inputs())
    p.inputSlots.push_back(slotOf[n->id()]);
  for (const Node *n : g.params())
    p.paramSlots.push_back(slotOf[n->id()]);
  for (const Node *n : g.outputs())
    p.outputSlots.push_back(slotOf[n->id()]);

  // Group nodes into units. unitOf[id] = unit index (-1 for sources).
  int maxRegion = -1;
  for (const Node *n : order)
    maxRegion = std::max(maxRegion, n->region());
  int nextSyntheticRegion = maxRegion + 1;
  std::vector<Unit> units;
  std::vector<int> unitOf(g.idBound(), -1);
  std::map<int, int> unitOfRegion; // compile time only
  for (size_t i = 0; i < order.size(); ++i) {
    const Node *n = order[i];
    if (n->isSource()) {
      if (n->op() == OpKind::Constant)
        p.constants.emplace_back(slotOf[n->id()], evalPureNode(*n, {}));
      continue;
    }
    // Conversions outside a region are identities: plain (alias) steps.
    const bool torch = n->backend() == Backend::Torch && !(isConversion(*n) && n->region() < 0);
    if (!torch) {
      unitOf[n->id()] = static_cast<int>(units.size());
      units.push_back({i, {n}, false, -1});
      continue;
    }
    int id = n->region() >= 0 ? n->region() : nextSyntheticRegion++;
    auto [it, fresh] = unitOfRegion.try_emplace(id, static_cast<int>(units.size()));
    if (fresh)
      units.push_back({i, {}, true, id});
    units[it->second].nodes.push_back(n);
    unitOf[n->id()] = it->second;
  }

  // Dependencies between units, then Kahn's algorithm taking the unit with
  // the smallest first-node position first: the original order whenever it
  // is valid, else each region just after its last producer.
  const size_t numUnits = units.size();
  std::vector<std::vector<int>> users(numUnits);
  std::vector<int> pending(numUnits, 0);
  for (size_t u = 0; u < numUnits; ++u) {
    std::vector<int> deps;
    for (const Node *n : units[u].nodes)
      for (const Node *in : n->inputs())
        if (int d = unitOf[in->id()]; d >= 0 && d != static_cast<int>(u))
          deps.push_back(d);
    std::sort(deps.begin(), deps.end());
    deps.erase(std::unique(deps.begin(), deps.end()), deps.end());
    for (int d : deps)
      users[d].push_back(static_cast<int>(u));
    pending[u] = static_cast<int>(deps.size());
  }
  using Entry = std::pair<size_t, int>; // (position, unit)
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> ready;
  for (size_t u = 0; u < numUnits; ++u)
    if (pending[u] == 0)
      ready.push({units[u].position, static_cast<int>(u)});
  std::vector<int> schedule;
  while (!ready.empty()) {
    int u = ready.top().second;
    ready.pop();
    schedule.push_back(u);
    for (int v : users[u])
      if (--pending[v] == 0)
        ready.push({units[v].position, v});
  }
  if (schedule.size() != numUnits) {
    for (size_t u = 0; u < numUnits; ++u)
      if (pending[u] > 0 && units[u].isRegion)
        throw Error(fmt::format("internal error: torch region {} cannot be scheduled: it both "
                                "feeds and depends on nodes outside it (a cycle through {})",
                                units[u].regionId, ref(*units[u].nodes.front())));
    throw Error("internal error: the partitioned graph has a cycle");
  }

  // Emit steps.
  std::vector<int> stepOfUnit(numUnits, -1);
  for (int u : schedule) {
    const Unit &unit = units[u];
    Step step;
    StepTiming timing;
    if (!unit.isRegion) {
      const Node &n = *unit.nodes.front();
      step.pure = makePureStep(n, slotOf);
      timing.label = fmt::format("{} {}", ref(n), n.opName());
      timing.backend = "pure";
      timing.estimatedSeconds = estimatedSeconds(n, false);
    } else {
      RegionStep r;
      r.id = unit.regionId;
      r.region.nodes = unit.nodes;
      for (const Node *n : unit.nodes) {
        r.fallback.push_back(makePureStep(*n, slotOf));
        r.computeNodes += isConversion(*n) ? 0 : 1;
        timing.estimatedSeconds += estimatedSeconds(*n, true);
        for (const Node *in : n->inputs())
          if (unitOf[in->id()] != u &&
              std::find(r.region.inputs.begin(), r.region.inputs.end(), in) ==
                  r.region.inputs.end()) {
            r.region.inputs.push_back(in);
            r.inputSlots.push_back(slotOf[in->id()]);
          }
        const auto &users = n->users();
        const auto &outs = g.outputs();
        bool usedOutside =
            std::any_of(users.begin(), users.end(),
                        [&](const Node *user) { return unitOf[user->id()] != u; }) ||
            std::find(outs.begin(), outs.end(), n) != outs.end();
        if (usedOutside) {
          r.region.outputs.push_back(n);
          r.outputSlots.push_back(slotOf[n->id()]);
        }
      }
      timing.label = fmt::format("region {} ({} nodes)", r.id, unit.nodes.size());
      timing.backend = "torch";
      step.region = static_cast<int>(p.regions.size());
      p.regions.push_back(std::move(r));
    }
    stepOfUnit[u] = static_cast<int>(p.steps.size());
    p.steps.push_back(std::move(step));
    p.timings.push_back(std::move(timing));
  }

  // Liveness: release each slot after the last step reading it, except
  // graph outputs (returned). The executor applies this to the values that
  // are not in its arena (memory_plan.h): inputs, torch results, fallbacks.
  std::vector<int> lastUse(p.numSlots, -1);
  for (const Node *n : order) {
    if (n->isSource())
      continue;
    int step = stepOfUnit[unitOf[n->id()]];
    for (const Node *in : n->inputs())
      lastUse[slotOf[in->id()]] = std::max(lastUse[slotOf[in->id()]], step);
    // A value nobody reads (dead, or internal to a region run on torch) can
    // go right after its own step.
    lastUse[slotOf[n->id()]] = std::max(lastUse[slotOf[n->id()]], step);
  }
  for (int s : p.outputSlots)
    lastUse[s] = -1;
  for (int slot = 0; slot < p.numSlots; ++slot)
    if (lastUse[slot] >= 0)
      p.steps[lastUse[slot]].release.push_back(slot);

  p.graph = std::move(graph);
  p.options = std::move(options);
  p.passTimings = std::move(passTimings);
  return std::make_shared<Executor>(std::move(p));
}

} // namespace duet
