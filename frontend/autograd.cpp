//===- frontend/autograd.cpp - gradients of lazy tensors ------------------===//
#include "frontend/autograd.h"

#include "frontend/trace_context.h"
#include "ir/graph.h"
#include "passes/autodiff.h"

#include <algorithm>

namespace duet {

namespace {

void requireLoss(const Tensor &loss, const char *what) {
  if (!loss.defined())
    throw Error(std::string(what) + ": the loss is an undefined Tensor");
}

} // namespace

std::vector<Tensor> grad(const Tensor &loss, const std::vector<Tensor> &wrt) {
  requireLoss(loss, "grad");
  const std::shared_ptr<TraceContext> &ctx = loss.context();
  std::vector<Node *> nodes;
  for (size_t i = 0; i < wrt.size(); ++i) {
    if (!wrt[i].defined())
      throw Error("grad: tensor " + std::to_string(i) + " of wrt is undefined");
    if (wrt[i].context() != ctx)
      throw Error("grad: tensor " + std::to_string(i) + " of wrt belongs to " +
                  wrt[i].context()->describe() + ", not to the loss's " + ctx->describe() +
                  " (gradients follow the recorded graph)");
    nodes.push_back(wrt[i].node());
  }
  std::vector<Node *> grads = buildGradients(ctx->graph(), loss.node(), nodes);
  std::vector<Tensor> out;
  out.reserve(grads.size());
  for (Node *g : grads)
    out.emplace_back(ctx, g);
  return out;
}

void Tensor::backward() const {
  requireLoss(*this, "backward");
  Graph &g = ctx_->graph();
  // The float leaves the loss depends on (a backward walk over its operands).
  std::vector<char> seen(g.idBound(), 0);
  std::vector<Node *> stack = {node_}, leaves;
  while (!stack.empty()) {
    Node *n = stack.back();
    stack.pop_back();
    if (seen[n->id()])
      continue;
    seen[n->id()] = 1;
    if (n->isSource() && n->op() != OpKind::Constant && isFloating(n->dtype()))
      leaves.push_back(n);
    for (Node *in : n->inputs())
      stack.push_back(in);
  }
  std::sort(leaves.begin(), leaves.end(),
            [](const Node *a, const Node *b) { return a->id() < b->id(); });
  std::vector<Node *> grads = buildGradients(g, node_, leaves);
  for (size_t i = 0; i < leaves.size(); ++i) {
    Node *previous = ctx_->gradOf(leaves[i]);
    ctx_->setGrad(leaves[i], previous ? g.addChecked(OpKind::Add, {previous, grads[i]}) : grads[i]);
  }
}

Tensor Tensor::grad() const {
  if (!defined())
    return {};
  Node *g = ctx_->gradOf(node_);
  return g ? Tensor(ctx_, g) : Tensor();
}

} // namespace duet
