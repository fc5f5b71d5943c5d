//===- ir/graph.cpp - Graph and Node ----------------------------------------===//
#include "ir/graph.h"

#include "ir/error.h"

#include <algorithm>
#include <cassert>
#include <unordered_map>

namespace duet {

std::string_view backendName(Backend b) {
  switch (b) {
  case Backend::Unassigned: return "unassigned";
  case Backend::Pure: return "pure";
  case Backend::Torch: return "torch";
  }
  return "?";
}

Graph::Graph(std::string name) : name_(std::move(name)) {}

Node *Graph::newNode(OpKind op, std::vector<Node *> inputs, Attributes attrs, TensorType type,
                     std::string name) {
  auto node = std::unique_ptr<Node>(new Node());
  node->graph_ = this;
  node->id_ = static_cast<NodeId>(all_.size());
  node->op_ = op;
  node->inputs_ = std::move(inputs);
  node->attrs_ = std::move(attrs);
  node->type_ = std::move(type);
  node->name_ = std::move(name);
  Node *raw = node.get();
  for (Node *in : raw->inputs_) {
    assert(in && in->graph_ == this && "operand from another graph");
    in->users_.push_back(raw);
  }
  all_.push_back(std::move(node));
  order_.push_back(raw);
  return raw;
}

Node *Graph::addInput(std::string name, TensorType type) {
  Node *n = newNode(OpKind::Input, {}, {}, std::move(type), std::move(name));
  inputs_.push_back(n);
  return n;
}

Node *Graph::addParam(std::string name, TensorType type) {
  Node *n = newNode(OpKind::Param, {}, {}, std::move(type), std::move(name));
  params_.push_back(n);
  return n;
}

Node *Graph::addNode(OpKind op, std::vector<Node *> inputs, Attributes attrs, TensorType type,
                     std::string name) {
  return newNode(op, std::move(inputs), std::move(attrs), std::move(type), std::move(name));
}

Node *Graph::addChecked(OpKind op, std::vector<Node *> inputs, Attributes attrs,
                        std::string name) {
  std::vector<TensorType> types;
  types.reserve(inputs.size());
  for (Node *in : inputs)
    types.push_back(in->type());
  TensorType t = checkAndInferType(op, types, attrs);
  return newNode(op, std::move(inputs), std::move(attrs), std::move(t), std::move(name));
}

Node *Graph::nodeById(NodeId id) const { return id < all_.size() ? all_[id].get() : nullptr; }

Node *Graph::findNamed(std::string_view name) const {
  if (name.empty())
    return nullptr;
  for (Node *n : order_)
    if (n->name_ == name)
      return n;
  return nullptr;
}

static void removeOneUse(Node *value, Node *user) {
  auto &users = value->users();
  auto it = std::find(users.begin(), users.end(), user);
  assert(it != users.end() && "use list out of sync");
  const_cast<std::vector<Node *> &>(users).erase(it);
}

void Graph::setInput(Node *user, size_t i, Node *value) {
  assert(user->graph_ == this && value->graph_ == this);
  Node *old = user->inputs_.at(i);
  if (old == value)
    return;
  removeOneUse(old, user);
  user->inputs_[i] = value;
  value->users_.push_back(user);
}

void Graph::replaceAllUsesWith(Node *from, Node *to) {
  if (from == to)
    return;
  std::vector<Node *> users = from->users_; // copy: setInput edits the list
  for (Node *user : users)
    for (size_t i = 0; i < user->inputs_.size(); ++i)
      if (user->inputs_[i] == from)
        setInput(user, i, to);
  for (Node *&out : outputs_)
    if (out == from)
      out = to;
}

void Graph::eraseNodes(const std::vector<Node *> &dead) {
  if (dead.empty())
    return;
  std::vector<char> isDead(all_.size(), 0);
  for (Node *n : dead) {
    assert(n->graph_ == this);
    if (n->op_ == OpKind::Input || n->op_ == OpKind::Param)
      throw Error("cannot erase graph input or parameter %" + n->name_);
    isDead[n->id_] = 1;
  }
  for (Node *n : dead) {
    for (Node *u : n->users_)
      if (!isDead[u->id_])
        throw Error("internal: erasing a node that still has users");
    if (std::find(outputs_.begin(), outputs_.end(), n) != outputs_.end())
      throw Error("internal: erasing a graph output");
  }
  for (Node *n : dead)
    for (Node *in : n->inputs_)
      if (!isDead[in->id_])
        removeOneUse(in, n);
  std::erase_if(order_, [&](Node *n) { return isDead[n->id_] != 0; });
  for (Node *n : dead)
    all_[n->id_].reset();
}

void Graph::setOrder(std::vector<Node *> order) {
  std::vector<char> seen(all_.size(), 0);
  bool ok = order.size() == order_.size();
  for (Node *n : order) {
    ok = ok && n && n->graph_ == this && n->id_ < all_.size() && all_[n->id_].get() == n &&
         !seen[n->id_];
    if (!ok)
      break;
    seen[n->id_] = 1;
  }
  if (!ok)
    throw Error("graph '" + name_ + "': setOrder needs every node exactly once");
  order_ = std::move(order);
}

void Graph::sortTopologically() {
  // Kahn's algorithm with a queue ordered by current position, so a graph
  // that is already topological keeps its order exactly.
  std::unordered_map<const Node *, size_t> position;
  position.reserve(order_.size());
  for (size_t i = 0; i < order_.size(); ++i)
    position[order_[i]] = i;
  std::vector<int> pending(all_.size(), 0);
  for (Node *n : order_) {
    // Count distinct operands: a node using a value twice waits for it once.
    std::vector<Node *> ins = n->inputs_;
    std::sort(ins.begin(), ins.end());
    pending[n->id_] = static_cast<int>(std::unique(ins.begin(), ins.end()) - ins.begin());
  }
  auto later = [&](Node *a, Node *b) { return position[a] > position[b]; };
  std::vector<Node *> ready; // min-heap on position
  for (Node *n : order_)
    if (pending[n->id_] == 0)
      ready.push_back(n);
  std::make_heap(ready.begin(), ready.end(), later);
  std::vector<Node *> sorted;
  sorted.reserve(order_.size());
  while (!ready.empty()) {
    std::pop_heap(ready.begin(), ready.end(), later);
    Node *n = ready.back();
    ready.pop_back();
    sorted.push_back(n);
    std::vector<Node *> users = n->users_;
    std::sort(users.begin(), users.end());
    users.erase(std::unique(users.begin(), users.end()), users.end());
    for (Node *u : users)
      if (--pending[u->id_] == 0) {
        ready.push_back(u);
        std::push_heap(ready.begin(), ready.end(), later);
      }
  }
  if (sorted.size() != order_.size())
    throw Error("graph '" + name_ + "' has a cycle");
  order_ = std::move(sorted);
}

std::unique_ptr<Graph> Graph::clone() const {
  auto copy = std::make_unique<Graph>(name_);
  std::unordered_map<const Node *, Node *> map;
  map.reserve(order_.size());
  for (Node *n : order_) {
    std::vector<Node *> ins;
    ins.reserve(n->inputs_.size());
    for (Node *in : n->inputs_)
      ins.push_back(map.at(in));
    Node *c = copy->newNode(n->op_, std::move(ins), n->attrs_, n->type_, n->name_);
    c->backend_ = n->backend_;
    c->region_ = n->region_;
    c->costPure_ = n->costPure_;
    c->costTorch_ = n->costTorch_;
    c->reason_ = n->reason_;
    map[n] = c;
  }
  for (Node *in : inputs_)
    copy->inputs_.push_back(map.at(in));
  for (Node *p : params_)
    copy->params_.push_back(map.at(p));
  for (Node *o : outputs_)
    copy->outputs_.push_back(map.at(o));
  return copy;
}

} // namespace duet
