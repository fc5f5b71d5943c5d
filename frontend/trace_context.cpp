//===- frontend/trace_context.cpp - where lazy tensors record -------------===//
#include "frontend/trace_context.h"

namespace duet {

TraceContext::TraceContext(Kind kind, std::string name) : kind_(kind), graph_(std::move(name)) {}

std::string TraceContext::describe() const {
  if (isBuilder())
    return "graph builder '" + graph_.name() + "'";
  return "default context";
}

Node *TraceContext::addLeaf(Buffer value) {
  // Leaves are inputs of the trace graph; names only need to be unique.
  std::string name = "t"; // (two statements: GCC 12 warns falsely on "t" + to_string)
  name += std::to_string(graph_.idBound());
  Node *n = graph_.addInput(std::move(name), value.type());
  setValue(n, std::move(value));
  return n;
}

const Buffer *TraceContext::valueOf(const Node *n) const {
  if (n->id() >= values_.size() || !values_[n->id()].defined())
    return nullptr;
  return &values_[n->id()];
}

void TraceContext::setValue(const Node *n, Buffer value) {
  if (n->id() >= values_.size())
    values_.resize(n->id() + 1);
  values_[n->id()] = std::move(value);
}

Node *TraceContext::gradOf(const Node *n) const {
  return n->id() < grads_.size() ? grads_[n->id()] : nullptr;
}

void TraceContext::setGrad(const Node *n, Node *grad) {
  if (n->id() >= grads_.size())
    grads_.resize(n->id() + 1, nullptr);
  grads_[n->id()] = grad;
}

namespace {

std::shared_ptr<TraceContext> &threadContext() {
  thread_local std::shared_ptr<TraceContext> ctx;
  return ctx;
}

std::shared_ptr<TraceContext> makeLoose() {
  return std::make_shared<TraceContext>(TraceContext::Kind::Loose, "eager");
}

} // namespace

const std::shared_ptr<TraceContext> &defaultContext() {
  auto &ctx = threadContext();
  if (!ctx)
    ctx = makeLoose();
  return ctx;
}

TraceScope::TraceScope() : previous_(threadContext()) { threadContext() = makeLoose(); }

TraceScope::~TraceScope() { threadContext() = std::move(previous_); }

} // namespace duet
