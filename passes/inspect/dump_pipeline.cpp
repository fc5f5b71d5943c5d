//===- passes/inspect/dump_pipeline.cpp - running the plan passes for a dump -------===//
#include "passes/inspect/dump_pipeline.h"

#include "ir/error.h"
#include "ir/value_names.h"
#include "passes/pass.h"
#include "passes/pass_manager.h"

#include <fmt/format.h>

#include <algorithm>

namespace duet::inspect {

namespace {

std::vector<NodeSnapshot> snapshot(const Graph &g) {
  std::vector<NodeSnapshot> s(g.idBound());
  for (const Node *n : g.nodes())
    s[n->id()] = {true, n->backend(), n->region(), n->reason()};
  return s;
}

std::vector<PlacedNode> placements(const Graph &g) {
  std::vector<std::string> labels = valueLabels(g);
  std::vector<PlacedNode> p(g.idBound());
  for (const Node *n : g.nodes())
    if (!n->isSource() && !isConversionNode(*n))
      p[n->id()] = {true,
                    n->backend(),
                    labels.at(n->id()),
                    std::string(n->opName()),
                    n->type().str(),
                    placement(*n),
                    n->reason()};
  return p;
}

} // namespace

StageRun runStages(const Graph &input, const PartitionOptions &opts, std::string_view stopAfter,
                   const std::function<void(std::string_view, const Graph &)> &afterEach) {
  std::vector<std::string> names = planPassNames();
  if (!stopAfter.empty() && std::find(names.begin(), names.end(), stopAfter) == names.end())
    throw OptionError(fmt::format("--after {}: not a pass of the pipeline; it runs {}", stopAfter,
                                  fmt::join(names, ", ")));
  StageRun run;
  run.graph = input.clone();
  stripConversions(*run.graph);
  for (const std::string &name : names) {
    if (name == "insert-conversions")
      run.beforeConversions = placements(*run.graph);
    PassManager pm; // one pass at a time: verified after it, like compile()
    pm.add(createPlanPass(name, opts));
    pm.run(*run.graph);
    run.lastPass = name;
    if (name == "partition")
      run.afterPartition = snapshot(*run.graph);
    if (afterEach)
      afterEach(name, *run.graph);
    if (name == stopAfter) {
      run.complete = name == names.back();
      break;
    }
  }
  if (run.beforeConversions.empty())
    run.beforeConversions = placements(*run.graph);
  return run;
}

} // namespace duet::inspect
