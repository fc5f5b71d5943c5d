//===- frontend/materialize.cpp - computing a lazy tensor's value ---------===//
#include "frontend/materialize.h"

#include "backends/runtime/compile.h"
#include "backends/runtime/plan.h"
#include "backends/runtime/plan_cache.h"
#include "frontend/trace_context.h"
#include "ir/error.h"
#include "ir/graph.h"

#include <fmt/format.h>

#include <functional>

namespace duet {

namespace {

/// "eval_" + a hash of the ops and edges, shapes left out: the plan cache
/// warns when one name keeps compiling new keys, which then means "this
/// expression keeps seeing new shapes", as it should.
std::string structureName(const Graph &g) {
  std::vector<size_t> position(g.idBound(), 0);
  std::string text;
  for (const Node *n : g.nodes()) {
    position[n->id()] = text.size(); // any value unique per node will do
    text += n->opName();
    for (const Node *in : n->inputs())
      text += fmt::format(" {}", position[in->id()]);
    for (const auto &[name, value] : n->attrs().items())
      text += fmt::format(" {}={}", name, attrValueToString(value));
    text += ';';
  }
  return fmt::format("eval_{:08x}", static_cast<uint32_t>(std::hash<std::string>{}(text)));
}

} // namespace

std::unique_ptr<Graph> extractSubgraph(const TraceContext &ctx, const Node *target,
                                       std::vector<Buffer> &inputValues) {
  const Graph &src = ctx.graph();
  // Mark what `target` needs, stopping at nodes whose value is known.
  std::vector<char> needed(src.idBound(), 0);
  std::vector<const Node *> stack{target};
  while (!stack.empty()) {
    const Node *n = stack.back();
    stack.pop_back();
    if (needed[n->id()])
      continue;
    needed[n->id()] = 1;
    if (ctx.valueOf(n))
      continue;
    if (n->op() == OpKind::Input || n->op() == OpKind::Param)
      throw Error("cannot compute a value that depends on " + std::string(n->opName()) + " '" +
                  n->name() + "' of " + ctx.describe() +
                  ": build a Program and run it with values instead");
    for (const Node *in : n->inputs())
      stack.push_back(in);
  }

  // Copy in the context's (topological) order; known values become inputs.
  auto g = std::make_unique<Graph>("eval");
  std::vector<Node *> copy(src.idBound(), nullptr);
  for (const Node *n : src.nodes()) {
    if (!needed[n->id()])
      continue;
    if (const Buffer *value = ctx.valueOf(n)) {
      copy[n->id()] = g->addInput("in" + std::to_string(inputValues.size()), n->type());
      inputValues.push_back(*value);
      continue;
    }
    std::vector<Node *> ins;
    ins.reserve(n->numInputs());
    for (const Node *in : n->inputs())
      ins.push_back(copy[in->id()]);
    // Types were inferred when the op was recorded: no need to check again.
    copy[n->id()] = g->addNode(n->op(), std::move(ins), n->attrs(), n->type());
  }
  g->setOutputs({copy[target->id()]});
  g->setName(structureName(*g));
  return g;
}

Buffer materialize(TraceContext &ctx, const Node *target) {
  if (const Buffer *value = ctx.valueOf(target))
    return *value;
  std::vector<Buffer> inputs;
  std::unique_ptr<Graph> g = extractSubgraph(ctx, target, inputs);
  std::shared_ptr<Plan> plan = globalPlanCache().getOrCompile(*g, defaultCompileOptions());
  std::vector<Buffer> outs = plan->run(inputs, ParamStore{});
  if (outs.size() != 1)
    throw Error("internal: a one-output plan returned " + std::to_string(outs.size()) + " values");
  ctx.setValue(target, outs[0]);
  return outs[0];
}

} // namespace duet
