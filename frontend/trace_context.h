//===- frontend/trace_context.h - where lazy tensors record -----*- C++ -*-===//
//
// A TraceContext owns the Graph that tensor ops append to, plus the values of
// the nodes that have one: data leaves (recorded as graph inputs) and results
// already materialized. Loose tensors record into the calling thread's
// default context; a GraphBuilder has a context of its own whose inputs and
// params have no values (they are fed when the built Program runs).
//
#pragma once

#include "backends/buffer.h"
#include "ir/graph.h"

#include <memory>
#include <string>
#include <vector>

namespace duet {

class TraceContext {
public:
  enum class Kind : uint8_t { Loose, Builder };

  TraceContext(Kind kind, std::string name);
  TraceContext(const TraceContext &) = delete;
  TraceContext &operator=(const TraceContext &) = delete;

  Kind kind() const { return kind_; }
  bool isBuilder() const { return kind_ == Kind::Builder; }
  /// "default context" or "graph builder 'mlp'" (for messages).
  std::string describe() const;

  Graph &graph() { return graph_; }
  const Graph &graph() const { return graph_; }

  /// Records a data leaf: an input node whose value is `value`.
  Node *addLeaf(Buffer value);
  /// The value of `n` if it has one (leaf or materialized), else nullptr.
  const Buffer *valueOf(const Node *n) const;
  /// Remembers the materialized value of `n`.
  void setValue(const Node *n, Buffer value);

  /// The gradient recorded for `n` by Tensor::backward() (nullptr if none).
  Node *gradOf(const Node *n) const;
  void setGrad(const Node *n, Node *grad);

private:
  Kind kind_;
  Graph graph_;
  std::vector<Buffer> values_; // indexed by NodeId; undefined when none
  std::vector<Node *> grads_;  // indexed by NodeId; null when none
};

/// The calling thread's default context (created on first use).
const std::shared_ptr<TraceContext> &defaultContext();

/// Installs a fresh default context for this thread until destroyed, then
/// restores the previous one. Use it around a loop body so the recorded graph
/// and cached values do not grow without bound; tensors created inside stay
/// valid afterwards (they keep their context alive).
class TraceScope {
public:
  TraceScope();
  ~TraceScope();
  TraceScope(const TraceScope &) = delete;
  TraceScope &operator=(const TraceScope &) = delete;

private:
  std::shared_ptr<TraceContext> previous_;
};

} // namespace duet
