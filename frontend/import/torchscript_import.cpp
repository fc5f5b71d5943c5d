//===- frontend/import/torchscript_import.cpp - load, freeze, convert -----===//
//
// The import walks the frozen, inlined forward graph once, in order. Each
// node is either evaluated by LibTorch (all operands static), mapped to duet
// ops (aten_ops.h), or recorded as a problem; a node using a value that
// failed is skipped quietly so one bad op is reported once, and all the
// problems are reported together at the end.
//
#include "frontend/import/aten_ops.h"
#include "frontend/import/import.h"
#include "frontend/import/problems.h"
#include "ir/error.h"
#include "ir/verifier.h"

#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/csrc/jit/passes/inliner.h>
#include <torch/csrc/jit/passes/remove_mutation.h>
#include <torch/script.h>

#include <fmt/format.h>

#include <filesystem>
#include <functional>
#include <set>

namespace duet::import {

namespace {

const OpMapper *mapperFor(const std::string &kind, bool &inPlace) {
  const OpMappers &all = opMappers();
  inPlace = false;
  if (auto it = all.find(kind); it != all.end())
    return &it->second;
  if (kind.rfind("aten::", 0) == 0 && kind.size() > 7 && kind.back() == '_')
    if (auto it = all.find(kind.substr(0, kind.size() - 1)); it != all.end()) {
      inPlace = true;
      return &it->second;
    }
  return nullptr;
}

/// The prim ops the interpreter builds itself (no registered operator).
bool evaluatePrim(Converter &c, const TsNode &n, torch::jit::Stack &stack) {
  if (n.kind() == c10::prim::ListConstruct) {
    auto list = c10::impl::GenericList(n.output()->type()->containedType(0));
    for (const TsValue *v : n.inputs())
      list.push_back(c.constant(v));
    stack = {c10::IValue(list)};
  } else if (n.kind() == c10::prim::TupleConstruct) {
    std::vector<c10::IValue> items;
    for (const TsValue *v : n.inputs())
      items.push_back(c.constant(v));
    stack = {c10::ivalue::Tuple::create(std::move(items))};
  } else if (n.kind() == c10::prim::ListUnpack) {
    stack = c.constant(n.input(0)).toListRef().vec();
  } else if (n.kind() == c10::prim::TupleUnpack) {
    stack = c.constant(n.input(0)).toTupleRef().elements().vec();
  } else {
    return false;
  }
  return true;
}

/// Runs the node's operator on its static operands (import-time folding).
void evaluate(Converter &c, const TsNode &n) {
  torch::jit::Stack stack;
  if (!evaluatePrim(c, n, stack)) {
    for (const TsValue *v : n.inputs())
      stack.push_back(c.constant(v));
    n.getOperation()(stack);
  }
  if (stack.size() != n.outputs().size())
    throw Error("evaluating it at import time gave an unexpected number of results");
  for (size_t i = 0; i < stack.size(); ++i)
    c.bind(n.output(i), stack[i]);
}

void convertNode(Converter &c, const TsNode &n) {
  std::string kind = n.kind().toQualString();
  if (n.kind() == c10::prim::Constant) {
    c.bind(n.output(), *torch::jit::toIValue(n.output()));
    return;
  }
  bool unpack = n.kind() == c10::prim::ListUnpack || n.kind() == c10::prim::TupleUnpack;
  if (unpack && !c.isStatic(n.input(0))) {
    NodeList parts = c.tensors(n.input(0));
    if (parts.size() != n.outputs().size())
      throw Error(
          fmt::format("unpacks {} values from a list of {}", n.outputs().size(), parts.size()));
    for (size_t i = 0; i < parts.size(); ++i)
      c.bind(n.output(i), parts[i]);
    return;
  }
  bool inPlace = false;
  const OpMapper *mapper = mapperFor(kind, inPlace);
  bool allStatic = std::all_of(n.inputs().begin(), n.inputs().end(),
                               [&](const TsValue *v) { return c.isStatic(v); });
  if (allStatic) {
    evaluate(c, n);
    return;
  }
  ImportValue result = (*mapper)(c, n);
  if (n.outputs().size() != 1)
    throw Error("ops with several outputs are not supported");
  c.bind(n.output(), result);
  if (inPlace) // later uses of the mutated operand see the result
    c.bind(n.input(0), result);
}

std::string graphNameFor(const std::string &path) {
  std::string name = std::filesystem::path(path).stem().string();
  for (char &ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_')
      ch = '_';
  return name.empty() || std::isdigit(static_cast<unsigned char>(name[0])) ? "m" + name : name;
}

torch::jit::Module loadModule(const std::string &path) {
  if (!std::filesystem::exists(path))
    throw Error("cannot import " + path + ": no such file");
  try {
    torch::jit::Module m = torch::jit::load(path);
    m.eval();
    return m;
  } catch (const c10::Error &e) {
    throw Error("cannot import " + path +
                ": not a TorchScript file LibTorch can load: " + e.what_without_backtrace());
  }
}

/// Converts a block's nodes in order; a prim::If with a static condition
/// converts the branch taken.
struct BlockWalker {
  Converter &c;
  Problems &problems;
  std::set<const TsValue *> failed; // outputs of nodes that did not convert

  void walk(const torch::jit::Block *block) {
    for (const TsNode *n : block->nodes())
      if (!visit(*n))
        for (const TsValue *o : n->outputs())
          failed.insert(o);
  }

  bool any(const TsNode &n, const std::function<bool(const TsValue *)> &p) {
    return std::any_of(n.inputs().begin(), n.inputs().end(), p);
  }

  bool visit(const TsNode &n) {
    bool inPlace = false;
    bool supported = n.kind() == c10::prim::Constant || n.kind() == c10::prim::ListUnpack ||
                     n.kind() == c10::prim::TupleUnpack ||
                     mapperFor(n.kind().toQualString(), inPlace);
    bool allStatic = !any(n, [&](const TsValue *v) { return !c.isStatic(v); });
    bool afterFailure = any(n, [&](const TsValue *v) { return failed.count(v) != 0; });
    if (n.kind() == c10::prim::If && allStatic && !afterFailure)
      return visitIf(n);
    if (!n.blocks().empty() || (!supported && !allStatic)) {
      problems.unsupported(n);
      return false;
    }
    if (afterFailure)
      return false;
    if (n.kind() == c10::prim::RaiseException) {
      problems.failed(n, "the model raises an exception here for the given shapes");
      return false;
    }
    try {
      convertNode(c, n);
      return true;
    } catch (const std::exception &e) {
      const auto *ce = dynamic_cast<const c10::Error *>(&e);
      std::string why = ce ? ce->what_without_backtrace() : e.what();
      problems.failed(n, why.substr(0, why.find("\nwithin the graph"))); // not the whole graph
      return false;
    }
  }

  bool visitIf(const TsNode &n) {
    const torch::jit::Block *taken = n.blocks()[c.b(n.input(0)) ? 0 : 1];
    walk(taken);
    for (size_t i = 0; i < n.outputs().size(); ++i) {
      if (failed.count(taken->outputs()[i]))
        return false;
      c.bind(n.output(i), c.value(taken->outputs()[i]));
    }
    return true;
  }
};

} // namespace

const OpMappers &opMappers() {
  static const OpMappers all = [] {
    OpMappers m;
    addElementwiseMappers(m);
    addShapeMappers(m);
    addNnMappers(m);
    return m;
  }();
  return all;
}

std::vector<std::string> supportedOps() {
  std::vector<std::string> ops{"prim::Constant", "prim::ListUnpack", "prim::TupleUnpack"};
  for (const auto &[kind, mapper] : opMappers())
    ops.push_back(kind);
  std::sort(ops.begin(), ops.end());
  return ops;
}

ImportedModel importTorchScript(const std::string &path, const ImportOptions &opts) {
  torch::jit::Module module = loadModule(path);
  const c10::FunctionSchema &schema = module.get_method("forward").function().getSchema();
  std::vector<std::string> argNames;
  for (size_t i = 1; i < schema.arguments().size(); ++i) // 0 is self
    argNames.push_back(schema.arguments()[i].name());
  if (argNames.size() != opts.inputShapes.size())
    throw Error(fmt::format("cannot import {}: forward takes {} input(s) ({}) but {} shape(s) "
                            "were given (one --shape per input, in order)",
                            path, argNames.size(), fmt::join(argNames, ", "),
                            opts.inputShapes.size()));

  std::shared_ptr<torch::jit::Graph> ts;
  try {
    torch::jit::Module frozen = torch::jit::freeze(module, c10::nullopt, opts.foldConstants);
    ts = frozen.get_method("forward").graph()->copy();
    torch::jit::Inline(*ts);
    torch::jit::RemoveTensorMutation(ts);
    torch::jit::EliminateDeadCode(ts);
  } catch (const c10::Error &e) {
    throw Error("cannot import " + path +
                ": freezing the module failed: " + e.what_without_backtrace());
  }

  ImportedModel model{
      std::make_unique<Graph>(opts.graphName.empty() ? graphNameFor(path) : opts.graphName), {}};
  Converter c(*model.graph, model.params);
  c.bind(ts->inputs()[0], c10::IValue()); // self: unused once frozen
  for (size_t i = 0; i < argNames.size(); ++i) {
    if (!ts->inputs()[i + 1]->type()->cast<c10::TensorType>())
      throw Error(fmt::format("cannot import {}: forward argument '{}' is a {}, only tensor "
                              "arguments are supported",
                              path, argNames[i], ts->inputs()[i + 1]->type()->str()));
    c.bind(ts->inputs()[i + 1],
           model.graph->addInput(argNames[i], {DType::F32, opts.inputShapes[i]}));
  }

  Problems problems;
  BlockWalker{c, problems, {}}.walk(ts->block());
  problems.throwIfAny(path);

  for (const TsValue *out : ts->outputs()) {
    const ImportValue &v = c.value(out);
    if (const auto *list = std::get_if<NodeList>(&v))
      for (Node *n : *list)
        model.graph->addOutput(n);
    else
      model.graph->addOutput(c.tensor(out));
  }
  verifyOrThrow(*model.graph);
  return model;
}

} // namespace duet::import
