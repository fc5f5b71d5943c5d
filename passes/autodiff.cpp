//===- passes/autodiff.cpp - reverse-mode differentiation -----------------===//
//
// 1. Mark the float nodes that depend on some wrt value (forward sweep) and,
//    among them, those from which a seeded output is reachable (backward
//    sweep): only these carry gradients.
// 2. Walk the original nodes in reverse topological order; for each marked
//    node with a gradient, apply its op's rule and add each operand's share
//    into that operand's running gradient.
// New nodes are appended after every forward node they read, so the graph
// stays topologically ordered.
//
#include "passes/autodiff.h"

#include "ir/error.h"
#include "ir/graph.h"
#include "passes/grad_rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

namespace duet {

namespace {

std::string label(const Node &n) {
  return fmt::format("{} %{}", n.opName(), n.name().empty() ? std::to_string(n.id()) : n.name());
}

void requireOwned(const Graph &g, const Node *n, const char *what) {
  if (!n || n->graph() != &g || g.nodeById(n->id()) != n)
    throw Error(fmt::format("autodiff: the {} is not a node of graph '{}'", what, g.name()));
}

void checkWrt(const Graph &g, const std::vector<Node *> &wrt) {
  for (Node *w : wrt) {
    requireOwned(g, w, "value to differentiate with respect to");
    if (!isFloating(w->dtype()))
      throw Error(fmt::format("autodiff: cannot differentiate with respect to {} of type {} "
                              "(only float values have gradients)",
                              label(*w), w->type().str()));
  }
}

} // namespace

bool isDifferentiable(OpKind op, std::string *why) {
  grad::GradEntry e = grad::gradEntry(op);
  if (!e.rule && why)
    *why = std::string(e.notDifferentiable);
  return e.rule != nullptr;
}

std::vector<Node *> buildGradients(Graph &g, const std::vector<Node *> &outputs,
                                   const std::vector<Node *> &seeds,
                                   const std::vector<Node *> &wrt) {
  if (outputs.size() != seeds.size())
    throw Error(
        fmt::format("autodiff: {} outputs but {} seed gradients", outputs.size(), seeds.size()));
  for (size_t i = 0; i < outputs.size(); ++i) {
    requireOwned(g, outputs[i], "output");
    requireOwned(g, seeds[i], "seed gradient");
    if (!isFloating(outputs[i]->dtype()))
      throw Error(fmt::format("autodiff: cannot differentiate {} of type {} (not float)",
                              label(*outputs[i]), outputs[i]->type().str()));
    if (seeds[i]->type() != outputs[i]->type())
      throw Error(fmt::format("autodiff: seed gradient {} for {} must have type {}",
                              seeds[i]->type().str(), label(*outputs[i]),
                              outputs[i]->type().str()));
  }
  checkWrt(g, wrt);

  const std::vector<Node *> forward = g.nodes(); // the nodes before any gradient
  const size_t bound = g.idBound();
  std::vector<char> fromWrt(bound, 0), toOutput(bound, 0);
  for (Node *w : wrt)
    fromWrt[w->id()] = 1;
  for (Node *n : forward) {
    if (!isFloating(n->dtype()))
      continue; // no gradient flows through integers or bools
    for (Node *in : n->inputs())
      fromWrt[n->id()] |= fromWrt[in->id()];
  }
  for (Node *o : outputs)
    toOutput[o->id()] = 1;
  for (auto it = forward.rbegin(); it != forward.rend(); ++it) {
    Node *n = *it;
    if (!toOutput[n->id()] || !fromWrt[n->id()])
      continue;
    for (Node *in : n->inputs())
      toOutput[in->id()] = 1;
  }
  auto active = [&](const Node *n) { return fromWrt[n->id()] && toOutput[n->id()]; };

  grad::GradBuilder b(g);
  std::vector<Node *> grads(bound, nullptr);
  auto accumulate = [&](Node *target, Node *gr) {
    Node *&slot = grads[target->id()];
    slot = slot ? b.add(slot, gr) : gr;
  };
  for (size_t i = 0; i < outputs.size(); ++i)
    if (active(outputs[i]))
      accumulate(outputs[i], seeds[i]);

  for (auto it = forward.rbegin(); it != forward.rend(); ++it) {
    Node *n = *it;
    Node *gOut = grads[n->id()];
    if (!gOut || !active(n) || n->isSource())
      continue;
    std::vector<bool> needs(n->numInputs());
    bool any = false;
    for (size_t i = 0; i < n->numInputs(); ++i)
      any |= needs[i] = active(n->input(i)) && isFloating(n->input(i)->dtype());
    if (!any)
      continue;
    grad::GradEntry entry = grad::gradEntry(n->op());
    if (!entry.rule)
      throw Error(fmt::format("autodiff: cannot differentiate through {}: {} is not "
                              "differentiable ({})",
                              label(*n), n->opName(), entry.notDifferentiable));
    grad::Grads r;
    try {
      r = entry.rule(b, n, gOut, needs);
    } catch (const Error &e) {
      throw Error(fmt::format("autodiff: gradient of {}: {}", label(*n), e.what()));
    }
    if (r.size() != n->numInputs())
      throw Error(fmt::format("autodiff: internal error: the rule of {} returned {} gradients "
                              "for {} operands",
                              n->opName(), r.size(), n->numInputs()));
    for (size_t i = 0; i < r.size(); ++i) {
      if (!needs[i] || !r[i])
        continue;
      if (r[i]->type() != n->input(i)->type())
        throw Error(fmt::format("autodiff: internal error: the gradient of {} for operand {} "
                                "has type {}, the operand {}",
                                label(*n), i, r[i]->type().str(), n->input(i)->type().str()));
      accumulate(n->input(i), r[i]);
    }
  }

  std::vector<Node *> result;
  result.reserve(wrt.size());
  for (Node *w : wrt)
    result.push_back(grads[w->id()] ? grads[w->id()] : b.zeros(w->type()));
  return result;
}

std::vector<Node *> buildGradients(Graph &g, Node *loss, const std::vector<Node *> &wrt) {
  requireOwned(g, loss, "loss");
  if (loss->type().numel() != 1 || !isFloating(loss->dtype()))
    throw Error(fmt::format("autodiff: the loss {} must be a float value with one element, "
                            "got {} (differentiate other outputs with explicit seed "
                            "gradients)",
                            label(*loss), loss->type().str()));
  checkWrt(g, wrt); // before appending the seed, so an error leaves g as it was
  grad::GradBuilder b(g);
  return buildGradients(g, {loss}, {b.constant(loss->type(), {1.0})}, wrt);
}

bool AutodiffPass::run(Graph &g) {
  if (opts_.lossOutput >= g.outputs().size())
    throw Error(fmt::format("autodiff: the graph has {} outputs, so there is no loss output {}",
                            g.outputs().size(), opts_.lossOutput));
  Node *loss = g.outputs()[opts_.lossOutput];
  std::vector<Node *> wrt;
  if (opts_.wrt.empty()) {
    for (Node *p : g.params())
      if (isFloating(p->dtype()))
        wrt.push_back(p);
  } else {
    for (const std::string &name : opts_.wrt) {
      Node *n = g.findNamed(name);
      if (!n)
        throw Error(fmt::format("autodiff: no value named '{}' to differentiate with respect "
                                "to",
                                name));
      wrt.push_back(n);
    }
  }
  if (wrt.empty())
    return false;
  std::vector<Node *> grads = buildGradients(g, loss, wrt);
  for (size_t i = 0; i < wrt.size(); ++i) {
    Node *gr = grads[i];
    if (gr->name().empty()) {
      std::string base = "grad_" + (wrt[i]->name().empty() ? std::to_string(i) : wrt[i]->name());
      std::string name = base;
      for (int k = 1; g.findNamed(name); ++k)
        name = fmt::format("{}_{}", base, k);
      gr->setName(name);
    }
    g.addOutput(gr);
  }
  return true;
}

} // namespace duet
