//===- ir/graph.h - Graph and Node ------------------------------*- C++ -*-===//
//
// A Graph owns its nodes. Every node produces exactly one value (so "value"
// and "node" are the same thing here, and a value is named by its node).
// Graph inputs, parameters and constants are nodes of op `input`, `param`
// and `constant`. Node ids are dense and never reused; the node order is
// topological (the verifier checks it).
//
#pragma once

#include "ir/attributes.h"
#include "ir/op_registry.h"
#include "ir/shape.h"

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace duet {

class Graph;
using NodeId = uint32_t;

/// Where a node runs. Set by the partition pass; Unassigned before it.
enum class Backend : uint8_t { Unassigned, Pure, Torch };
std::string_view backendName(Backend b); // "unassigned", "pure", "torch"

class Node {
public:
  NodeId id() const { return id_; }
  OpKind op() const { return op_; }
  const OpInfo &info() const { return opInfo(op_); }
  std::string_view opName() const { return info().name; }

  const std::vector<Node *> &inputs() const { return inputs_; }
  Node *input(size_t i) const { return inputs_.at(i); }
  size_t numInputs() const { return inputs_.size(); }
  /// One entry per use (a node using this value twice appears twice), in
  /// the order the uses were created.
  const std::vector<Node *> &users() const { return users_; }

  const TensorType &type() const { return type_; }
  void setType(TensorType t) { type_ = std::move(t); }
  DType dtype() const { return type_.dtype; }
  const Shape &shape() const { return type_.shape; }

  Attributes &attrs() { return attrs_; }
  const Attributes &attrs() const { return attrs_; }

  /// Source-level name ("x", "w1"); empty for anonymous values, which the
  /// printer numbers by position.
  const std::string &name() const { return name_; }
  void setName(std::string n) { name_ = std::move(n); }

  Backend backend() const { return backend_; }
  void setBackend(Backend b) { backend_ = b; }
  /// Region id assigned by region merging, -1 when not in a region.
  int region() const { return region_; }
  void setRegion(int r) { region_ = r; }

  /// Cost-model estimates of one execution on each backend, in seconds, set
  /// by the annotate-cost pass (0 before). Not semantic: never printed as
  /// attributes, never compared structurally.
  double costPure() const { return costPure_; }
  double costTorch() const { return costTorch_; }
  void setCosts(double pure, double torch) {
    costPure_ = pure;
    costTorch_ = torch;
  }
  /// Why the partitioner put this node where it is ("estimate torch 12us <
  /// pure 80us"); empty before partitioning. For dumps and tuning.
  const std::string &reason() const { return reason_; }
  void setReason(std::string r) { reason_ = std::move(r); }

  bool isSource() const { return info().category == OpCategory::Source; }
  Graph *graph() const { return graph_; }

private:
  friend class Graph;
  Node() = default;
  Graph *graph_ = nullptr;
  NodeId id_ = 0;
  OpKind op_ = OpKind::Input;
  std::vector<Node *> inputs_;
  std::vector<Node *> users_;
  TensorType type_;
  Attributes attrs_;
  std::string name_;
  Backend backend_ = Backend::Unassigned;
  int region_ = -1;
  double costPure_ = 0.0, costTorch_ = 0.0;
  std::string reason_;
};

class Graph {
public:
  explicit Graph(std::string name = "main");
  Graph(const Graph &) = delete;
  Graph &operator=(const Graph &) = delete;
  Graph(Graph &&) = delete;

  const std::string &name() const { return name_; }
  void setName(std::string n) { name_ = std::move(n); }

  /// Declares a graph input / parameter (appended to inputs()/params()).
  Node *addInput(std::string name, TensorType type);
  Node *addParam(std::string name, TensorType type);

  /// Appends a node with an explicit result type (no checking; the verifier
  /// and infer-shapes check later). Used by the parser and by passes.
  Node *addNode(OpKind op, std::vector<Node *> inputs, Attributes attrs, TensorType type,
                std::string name = "");
  /// Appends a node after checking arity/attributes and inferring its type.
  /// Throws duet::Error naming the op and operand types on mismatch.
  Node *addChecked(OpKind op, std::vector<Node *> inputs, Attributes attrs = {},
                   std::string name = "");

  /// Nodes in topological order.
  const std::vector<Node *> &nodes() const { return order_; }
  const std::vector<Node *> &inputs() const { return inputs_; }
  const std::vector<Node *> &params() const { return params_; }
  const std::vector<Node *> &outputs() const { return outputs_; }
  void setOutputs(std::vector<Node *> outs) { outputs_ = std::move(outs); }
  void addOutput(Node *n) { outputs_.push_back(n); }
  size_t size() const { return order_.size(); }

  /// Looks up a node by id (nullptr when erased or out of range).
  Node *nodeById(NodeId id) const;
  /// Finds a named node (input, param or named value); nullptr if none.
  Node *findNamed(std::string_view name) const;
  /// One past the largest id ever handed out (for id-indexed side tables).
  NodeId idBound() const { return static_cast<NodeId>(all_.size()); }

  /// Rewires operand `i` of `user` to `value`, keeping use lists consistent.
  void setInput(Node *user, size_t i, Node *value);
  /// Makes every use of `from` (and every output slot) use `to` instead.
  void replaceAllUsesWith(Node *from, Node *to);
  /// Removes nodes that have no users and are not outputs. Inputs and params
  /// cannot be erased. O(graph size) per call, so erase in batches.
  void eraseNodes(const std::vector<Node *> &dead);
  /// Reorders nodes topologically, keeping the current relative order where
  /// it is already valid (deterministic). Call after adding nodes whose
  /// operands come later in the order. Throws duet::Error on a cycle.
  void sortTopologically();
  /// Replaces the node order by `order`, which must hold every node exactly
  /// once (throws duet::Error otherwise); whether it is topological is the
  /// verifier's business. For passes that put new nodes where old ones were.
  void setOrder(std::vector<Node *> order);

  /// Deep copy (same names, attributes, types, backends, regions; same
  /// order). Node ids of the copy are renumbered densely.
  std::unique_ptr<Graph> clone() const;

  /// Text form (see ir/printer.h).
  void print(std::ostream &os) const;
  std::string str() const;
  void dump() const;

private:
  Node *newNode(OpKind op, std::vector<Node *> inputs, Attributes attrs, TensorType type,
                std::string name);
  std::string name_;
  std::vector<std::unique_ptr<Node>> all_; // indexed by id; null when erased
  std::vector<Node *> order_;
  std::vector<Node *> inputs_, params_, outputs_;
};

std::ostream &operator<<(std::ostream &os, const Graph &g);

} // namespace duet
