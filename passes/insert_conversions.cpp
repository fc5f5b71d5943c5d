//===- passes/insert_conversions.cpp - "insert-conversions" ----------------===//
#include "passes/insert_conversions.h"

#include "ir/graph.h"

#include <algorithm>
#include <map>

namespace duet {

namespace {

/// A torch node of region `r` other than a conversion.
bool inRegion(const Node &n, int r) {
  return n.backend() == Backend::Torch && n.region() == r && r >= 0;
}

Node *newConversion(Graph &g, OpKind op, Node *value, int region) {
  Node *c = g.addNode(op, {value}, {}, value->type());
  c->setBackend(Backend::Torch);
  c->setRegion(region);
  c->setReason(op == OpKind::ToTorch ? "enters region " + std::to_string(region)
                                     : "leaves region " + std::to_string(region));
  return c;
}

} // namespace

bool InsertConversionsPass::run(Graph &g) {
  std::vector<Node *> members; // region nodes that compute something
  // Conversions already present (a second run): reuse instead of adding.
  std::map<std::pair<NodeId, int>, Node *> toTorch;
  std::map<NodeId, Node *> fromTorch;
  for (Node *n : g.nodes()) {
    if (n->backend() != Backend::Torch || n->region() < 0)
      continue;
    if (n->op() == OpKind::ToTorch)
      toTorch.emplace(std::make_pair(n->input(0)->id(), n->region()), n);
    else if (n->op() == OpKind::FromTorch)
      fromTorch.emplace(n->input(0)->id(), n);
    else
      members.push_back(n);
  }
  bool changed = false;

  // Values leaving their region: one from_torch each, read by every outside
  // use and output slot.
  std::vector<char> isOutput(g.idBound(), 0);
  for (const Node *o : g.outputs())
    isOutput[o->id()] = 1;
  for (Node *v : members) {
    int r = v->region();
    std::vector<Node *> outside;
    for (Node *u : v->users())
      if (!inRegion(*u, r) && std::find(outside.begin(), outside.end(), u) == outside.end())
        outside.push_back(u);
    if (outside.empty() && !isOutput[v->id()])
      continue;
    Node *&ft = fromTorch[v->id()];
    if (!ft) {
      ft = newConversion(g, OpKind::FromTorch, v, r);
      changed = true;
    }
    for (Node *u : outside)
      for (size_t i = 0; i < u->numInputs(); ++i)
        if (u->input(i) == v && u != ft)
          g.setInput(u, i, ft);
    if (isOutput[v->id()]) {
      std::vector<Node *> outs = g.outputs();
      std::replace(outs.begin(), outs.end(), v, ft);
      g.setOutputs(std::move(outs));
    }
  }

  // Values entering a region: one to_torch per value and region, read by
  // every use inside it.
  for (Node *v : members) {
    int r = v->region();
    for (size_t i = 0; i < v->numInputs(); ++i) {
      Node *x = v->input(i);
      if (inRegion(*x, r))
        continue;
      Node *&tt = toTorch[{x->id(), r}];
      if (!tt) {
        tt = newConversion(g, OpKind::ToTorch, x, r);
        changed = true;
      }
      g.setInput(v, i, tt);
    }
  }
  if (changed)
    g.sortTopologically();
  return changed;
}

} // namespace duet
