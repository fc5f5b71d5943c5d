//===- frontend/program.cpp - define-then-run -----------------------------===//
#include "frontend/program.h"

#include "backends/runtime/plan_cache.h"
#include "frontend/trace_context.h"
#include "ir/graph.h"
#include "ir/printer.h"

#include <fstream>

namespace duet {

Program::Program(std::unique_ptr<Graph> graph, const CompileOptions &opts)
    : graph_(std::move(graph)) {
  if (graph_->outputs().empty())
    throw Error("Program: graph '" + graph_->name() + "' has no outputs");
  plan_ = globalPlanCache().getOrCompile(*graph_, opts);
}

std::vector<Buffer> Program::run(std::span<const Buffer> inputs, const ParamStore &params) const {
  return plan_->run(inputs, params);
}

void Program::save(const std::string &path) const {
  std::ofstream out(path);
  out << printGraph(*graph_);
  out.close();
  if (!out)
    throw Error("cannot write graph file '" + path + "'");
}

GraphBuilder::GraphBuilder(std::string name)
    : ctx_(std::make_shared<TraceContext>(TraceContext::Kind::Builder, std::move(name))) {}

namespace {

void requireNewName(const Graph &g, const std::string &name, const char *what) {
  if (name.empty())
    throw Error(std::string("GraphBuilder: ") + what + " needs a name");
  if (g.findNamed(name))
    throw Error("GraphBuilder '" + g.name() + "': the name '" + name + "' is already used");
}

} // namespace

Tensor GraphBuilder::input(const std::string &name, DType dtype, Shape shape) {
  requireNewName(ctx_->graph(), name, "input");
  return Tensor(ctx_, ctx_->graph().addInput(name, TensorType{dtype, std::move(shape)}));
}

Tensor GraphBuilder::param(const std::string &name, DType dtype, Shape shape) {
  requireNewName(ctx_->graph(), name, "param");
  return Tensor(ctx_, ctx_->graph().addParam(name, TensorType{dtype, std::move(shape)}));
}

Tensor GraphBuilder::constant(Shape shape, std::vector<double> values, DType dtype) {
  TensorType type{dtype, std::move(shape)};
  if (values.size() != 1 && static_cast<int64_t>(values.size()) != type.numel())
    throw Error("GraphBuilder::constant: " + std::to_string(values.size()) + " values for " +
                type.str() + " (give 1 or " + std::to_string(type.numel()) + ")");
  Attributes a;
  a.set("value", std::move(values));
  return Tensor(ctx_, ctx_->graph().addNode(OpKind::Constant, {}, std::move(a), type));
}

Node *GraphBuilder::own(const Tensor &t, const char *what) const {
  if (!t.defined())
    throw Error(std::string("GraphBuilder: ") + what + " is an undefined Tensor");
  if (t.context() != ctx_)
    throw Error(std::string("GraphBuilder '") + ctx_->graph().name() + "': " + what +
                " belongs to " + t.context()->describe() + ", not to this builder");
  return t.node();
}

void GraphBuilder::setName(const Tensor &t, const std::string &name) {
  Node *n = own(t, "the named tensor");
  if (n->name() == name)
    return;
  requireNewName(ctx_->graph(), name, "value");
  n->setName(name);
}

const Graph &GraphBuilder::trace() const { return ctx_->graph(); }

std::unique_ptr<Graph> GraphBuilder::graph(const std::vector<Tensor> &outputs) const {
  const Graph &src = ctx_->graph();
  std::vector<size_t> position(src.idBound(), 0);
  for (size_t i = 0; i < src.nodes().size(); ++i)
    position[src.nodes()[i]->id()] = i;

  std::unique_ptr<Graph> g = src.clone();
  const std::vector<Node *> &copied = g->nodes();
  std::vector<Node *> outs;
  for (const Tensor &t : outputs)
    outs.push_back(copied[position[own(t, "an output")->id()]]);
  if (outs.empty())
    throw Error("GraphBuilder '" + src.name() + "': build needs at least one output");
  g->setOutputs(outs);

  // Drop what the outputs do not need (inputs and params stay: they are the
  // program's signature).
  std::vector<char> live(g->idBound(), 0);
  std::vector<Node *> stack = outs;
  while (!stack.empty()) {
    Node *n = stack.back();
    stack.pop_back();
    if (live[n->id()])
      continue;
    live[n->id()] = 1;
    for (Node *in : n->inputs())
      stack.push_back(in);
  }
  std::vector<Node *> dead;
  for (Node *n : g->nodes())
    if (!live[n->id()] && n->op() != OpKind::Input && n->op() != OpKind::Param)
      dead.push_back(n);
  g->eraseNodes(dead);
  return g;
}

Program GraphBuilder::build(const std::vector<Tensor> &outputs) const {
  return build(outputs, defaultCompileOptions());
}

Program GraphBuilder::build(const std::vector<Tensor> &outputs, const CompileOptions &opts) const {
  return Program(graph(outputs), opts);
}

} // namespace duet
