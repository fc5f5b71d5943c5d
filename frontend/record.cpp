//===- frontend/record.cpp - appending an op to a tensor's graph ----------===//
#include "frontend/record.h"

#include "frontend/trace_context.h"
#include "ir/graph.h"

namespace duet {

namespace {

/// The context all operands of `op` are recorded in.
std::shared_ptr<TraceContext> commonContext(OpKind op, const std::vector<Tensor> &operands) {
  for (size_t i = 0; i < operands.size(); ++i)
    if (!operands[i].defined())
      throw Error(std::string(opName(op)) + ": operand " + std::to_string(i) +
                  " is an undefined Tensor");
  if (operands.empty())
    return defaultContext();
  std::shared_ptr<TraceContext> first = operands[0].context();
  bool same = true;
  for (const Tensor &t : operands)
    same = same && t.context() == first;
  if (same)
    return first;
  for (const Tensor &t : operands)
    if (t.context()->isBuilder())
      for (const Tensor &u : operands)
        if (u.context() != t.context())
          throw Error(std::string(opName(op)) + ": cannot mix tensors of " +
                      t.context()->describe() + " with tensors of " +
                      (u.context()->isBuilder() ? u.context()->describe()
                                                : std::string("another context")) +
                      " (declare them with the same GraphBuilder)");
  return defaultContext();
}

} // namespace

Tensor record(OpKind op, const std::vector<Tensor> &operands, Attributes attrs) {
  std::shared_ptr<TraceContext> ctx = commonContext(op, operands);
  std::vector<Node *> nodes;
  nodes.reserve(operands.size());
  for (const Tensor &t : operands) {
    if (t.context() == ctx) {
      nodes.push_back(t.node());
    } else {
      // A loose tensor from another scope or thread: bring its value over.
      nodes.push_back(ctx->addLeaf(t.data()));
    }
  }
  Node *n = ctx->graph().addChecked(op, std::move(nodes), std::move(attrs));
  return Tensor(std::move(ctx), n);
}

Tensor constantLike(const Tensor &like, double value) {
  if (!like.defined())
    throw Error("constant: the tensor it combines with is undefined");
  Attributes attrs;
  attrs.set("value", std::vector<double>{value});
  Node *n = like.context()->graph().addNode(OpKind::Constant, {}, std::move(attrs),
                                            TensorType{like.dtype(), {}});
  return Tensor(like.context(), n);
}

} // namespace duet
