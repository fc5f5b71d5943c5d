//===- passes/dce.cpp - "dce": dead-code elimination -----------------------===//
#include "passes/dce.h"

#include "ir/graph.h"

namespace duet {

bool DcePass::run(Graph &g) {
  // Mark backwards from the outputs; ids index the side table.
  std::vector<char> live(g.idBound(), 0);
  std::vector<Node *> work(g.outputs().begin(), g.outputs().end());
  while (!work.empty()) {
    Node *n = work.back();
    work.pop_back();
    if (live[n->id()])
      continue;
    live[n->id()] = 1;
    for (Node *in : n->inputs())
      if (!live[in->id()])
        work.push_back(in);
  }
  std::vector<Node *> dead;
  for (Node *n : g.nodes())
    if (!live[n->id()] && n->op() != OpKind::Input && n->op() != OpKind::Param)
      dead.push_back(n);
  // Every user of a dead node is dead too, so they go in one batch.
  g.eraseNodes(dead);
  return !dead.empty();
}

} // namespace duet
