//===- passes/cse.cpp - "cse": common-subexpression elimination ------------===//
#include "passes/cse.h"

#include "ir/graph.h"

#include <fmt/format.h>

#include <bit>
#include <unordered_map>

namespace duet {

namespace {

/// A constant's `value` may spell a splat as one element or as all of them;
/// both mean the same tensor, so compare them alike.
AttrValue canonical(const Node &n, std::string_view attr, const AttrValue &v) {
  const auto *list = std::get_if<std::vector<double>>(&v);
  if (n.op() != OpKind::Constant || attr != "value" || !list || list->size() < 2)
    return v;
  uint64_t first = std::bit_cast<uint64_t>(list->front());
  for (double x : *list)
    if (std::bit_cast<uint64_t>(x) != first)
      return v;
  return std::vector<double>{list->front()};
}

/// Attribute equality where floats compare by bits: 0.0 and -0.0 differ
/// (they can give different results), and a NaN equals itself.
bool sameBits(const AttrValue &a, const AttrValue &b) {
  if (a.index() != b.index())
    return false;
  if (const auto *x = std::get_if<double>(&a))
    return std::bit_cast<uint64_t>(*x) == std::bit_cast<uint64_t>(std::get<double>(b));
  if (const auto *x = std::get_if<std::vector<double>>(&a)) {
    const auto &y = std::get<std::vector<double>>(b);
    if (x->size() != y.size())
      return false;
    for (size_t i = 0; i < x->size(); ++i)
      if (std::bit_cast<uint64_t>((*x)[i]) != std::bit_cast<uint64_t>(y[i]))
        return false;
    return true;
  }
  return a == b;
}

/// Text of an attribute for hashing; long float lists (constant data) are
/// summarized by size and a hash of their bits, and compared exactly later.
std::string attrDigest(const AttrValue &v) {
  const auto *list = std::get_if<std::vector<double>>(&v);
  if (!list || list->size() <= 16)
    return attrValueToString(v);
  uint64_t h = 1469598103934665603ull; // FNV-1a
  for (double x : *list)
    h = (h ^ std::bit_cast<uint64_t>(x)) * 1099511628211ull;
  return fmt::format("<{} floats #{:x}>", list->size(), h);
}

/// What must match for two nodes to compute the same value. Operands are
/// named by id: by the time a node is keyed its operands have already been
/// replaced by their surviving representatives.
std::string nodeKey(const Node &n) {
  std::string key =
      fmt::format("{}|{}|{}:{}|", n.opName(), n.type().str(), backendName(n.backend()), n.region());
  for (const Node *in : n.inputs())
    key += fmt::format("{},", in->id());
  key += '|';
  for (const auto &[name, value] : n.attrs().items())
    key += fmt::format("{}={};", name, attrDigest(canonical(n, name, value)));
  return key;
}

/// Exact check behind a key match (the key may summarize constant data).
bool identical(const Node &a, const Node &b) {
  if (a.op() != b.op() || a.type() != b.type() || a.backend() != b.backend() ||
      a.region() != b.region() || a.inputs() != b.inputs() || a.attrs().size() != b.attrs().size())
    return false;
  const auto &xs = a.attrs().items();
  const auto &ys = b.attrs().items();
  for (size_t i = 0; i < xs.size(); ++i)
    if (xs[i].first != ys[i].first ||
        !sameBits(canonical(a, xs[i].first, xs[i].second), canonical(b, ys[i].first, ys[i].second)))
      return false;
  return true;
}

} // namespace

bool CsePass::run(Graph &g) {
  // Lookup only, never iterated, so hash order cannot leak into the result.
  std::unordered_map<std::string, std::vector<Node *>> seen;
  std::vector<Node *> dead;
  const std::vector<Node *> order = g.nodes(); // copy: we edit the graph below
  for (Node *n : order) {
    if (n->op() == OpKind::Input || n->op() == OpKind::Param)
      continue;
    std::vector<Node *> &candidates = seen[nodeKey(*n)];
    Node *same = nullptr;
    for (Node *c : candidates)
      if (identical(*c, *n)) {
        same = c;
        break;
      }
    if (!same) {
      candidates.push_back(n);
      continue;
    }
    // `same` comes earlier in the order, so every user of `n` stays after it.
    g.replaceAllUsesWith(n, same);
    dead.push_back(n);
  }
  g.eraseNodes(dead);
  return !dead.empty();
}

} // namespace duet
