//===- passes/infer_shapes.cpp - "infer-shapes" ----------------------------===//
#include "passes/infer_shapes.h"

#include "ir/error.h"
#include "ir/graph.h"
#include "ir/value_names.h"

#include <fmt/format.h>

namespace duet {

bool InferShapesPass::run(Graph &g) {
  bool changed = false;
  std::vector<TensorType> operandTypes;
  for (Node *n : g.nodes()) {
    if (n->isSource())
      continue;
    operandTypes.clear();
    for (Node *in : n->inputs())
      operandTypes.push_back(in->type());
    TensorType t;
    try {
      t = checkAndInferType(n->op(), operandTypes, n->attrs());
    } catch (const Error &e) {
      // Name the node as a dump shows it, so the user can find the line; the
      // rule's own "<op>: " prefix would repeat the op.
      std::string_view msg = e.what();
      std::string prefix = std::string(n->opName()) + ": ";
      if (msg.starts_with(prefix))
        msg.remove_prefix(prefix.size());
      throw Error(fmt::format("{} ({}): {}", labelOf(g, valueLabels(g), n), n->opName(), msg));
    }
    if (t != n->type()) {
      n->setType(std::move(t));
      changed = true;
    }
  }
  return changed;
}

} // namespace duet
