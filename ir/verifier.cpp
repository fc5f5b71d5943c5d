//===- ir/verifier.cpp - structural invariants of a graph -------------------===//
#include "ir/verifier.h"

#include "ir/error.h"
#include "ir/graph.h"
#include "ir/shape_rules.h"
#include "ir/value_names.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <unordered_map>

namespace duet {
namespace {

class Verifier {
public:
  explicit Verifier(const Graph &g) : g_(g), labels_(valueLabels(g)) {}

  std::vector<std::string> run() {
    checkOrder();
    for (size_t i = 0; i < g_.nodes().size(); ++i)
      if (Node *n = g_.nodes()[i]; n && n->graph() == &g_)
        checkNode(n, i);
    checkUses();
    checkSourceLists(g_.inputs(), OpKind::Input, "input");
    checkSourceLists(g_.params(), OpKind::Param, "param");
    for (size_t i = 0; i < g_.outputs().size(); ++i)
      if (!inGraph(g_.outputs()[i]))
        problems_.push_back(fmt::format("output {} ({}) is not a node of the graph", i,
                                        labelOf(g_, labels_, g_.outputs()[i])));
    return std::move(problems_);
  }

private:
  std::string where(const Node *n) const {
    return fmt::format("{} ({})", labelOf(g_, labels_, n), n->opName());
  }
  void report(const Node *n, const std::string &msg) { problems_.push_back(where(n) + ": " + msg); }
  bool inGraph(const Node *n) const { return n && position_.count(n) != 0; }

  // Every node is ours, listed once, and reachable by its id.
  void checkOrder() {
    for (size_t i = 0; i < g_.nodes().size(); ++i) {
      Node *n = g_.nodes()[i];
      if (!n) {
        problems_.push_back(fmt::format("node order has a null entry at position {}", i));
      } else if (n->graph() != &g_) {
        problems_.push_back(fmt::format("node at position {} belongs to another graph", i));
      } else if (!position_.emplace(n, i).second) {
        report(n, "appears twice in the node order");
      } else if (g_.nodeById(n->id()) != n) {
        report(n, fmt::format("id {} does not map back to this node", n->id()));
      }
    }
  }

  void checkNode(Node *n, size_t pos) {
    std::vector<TensorType> types;
    bool operandsOk = true;
    for (size_t i = 0; i < n->numInputs(); ++i) {
      Node *in = n->input(i);
      if (!inGraph(in)) {
        report(n, fmt::format("operand {} ({}) is not a node of the graph", i,
                              labelOf(g_, labels_, in)));
        operandsOk = false;
        continue;
      }
      if (position_.at(in) >= pos)
        report(n, fmt::format("operand {} ({}) is not defined before its use", i,
                              labelOf(g_, labels_, in)));
      types.push_back(in->type());
    }
    try {
      if (n->isSource()) {
        if (n->numInputs() != 0)
          report(n, fmt::format("a source has no operands, got {}", n->numInputs()));
        rules::checkSource(n->op(), n->type(), n->attrs());
      } else if (operandsOk) {
        TensorType inferred = checkAndInferType(n->op(), types, n->attrs());
        if (inferred != n->type())
          report(n, fmt::format("type {} does not match inferred {}", n->type().str(),
                                inferred.str()));
      }
    } catch (const Error &e) {
      report(n, e.what());
    }
    if (n->region() < -1 || (n->region() >= 0 && n->backend() != Backend::Torch))
      report(n, fmt::format("region {} on a node whose backend is {} (regions are torch only, "
                            "-1 for none)",
                            n->region(), backendName(n->backend())));
    if (!n->name().empty()) {
      if (!isValidValueName(n->name()))
        report(n, fmt::format("invalid name '{}' (use [A-Za-z0-9_.], not only digits)", n->name()));
      auto [it, fresh] = names_.emplace(n->name(), n);
      if (!fresh)
        report(n, fmt::format("name '{}' is already used by another node", n->name()));
    }
  }

  // Operand lists and use lists describe the same edges, with multiplicity.
  void checkUses() {
    std::map<std::pair<NodeId, NodeId>, int> edges; // (value, user) -> uses
    for (const auto &[n, pos] : position_)
      for (Node *in : n->inputs())
        if (inGraph(in))
          ++edges[{in->id(), n->id()}];
    std::vector<const Node *> sorted;
    for (const auto &[n, pos] : position_)
      sorted.push_back(n);
    std::sort(sorted.begin(), sorted.end(),
              [&](const Node *a, const Node *b) { return position_.at(a) < position_.at(b); });
    for (const Node *n : sorted)
      for (Node *user : n->users()) {
        if (!inGraph(user)) {
          report(n, fmt::format("use list names {}, which is not a node of the graph",
                                labelOf(g_, labels_, user)));
          continue;
        }
        --edges[{n->id(), user->id()}];
      }
    for (const auto &[edge, balance] : edges) {
      if (balance == 0)
        continue;
      const Node *value = g_.nodeById(edge.first), *user = g_.nodeById(edge.second);
      report(value, fmt::format("use list out of sync with the operands of {}: {} {} use{}",
                                where(user), balance > 0 ? "missing" : "extra", std::abs(balance),
                                std::abs(balance) == 1 ? "" : "s"));
    }
  }

  void checkSourceLists(const std::vector<Node *> &list, OpKind op, std::string_view what) {
    std::vector<const Node *> seen;
    for (const Node *n : list) {
      if (!inGraph(n))
        problems_.push_back(
            fmt::format("{} {} is not a node of the graph", what, labelOf(g_, labels_, n)));
      else if (n->op() != op)
        report(n, fmt::format("listed as a graph {} but is not one", what));
      else if (std::find(seen.begin(), seen.end(), n) != seen.end())
        report(n, fmt::format("listed twice as a graph {}", what));
      seen.push_back(n);
    }
    for (const Node *n : g_.nodes())
      if (inGraph(n) && n->op() == op && std::find(list.begin(), list.end(), n) == list.end())
        report(n, fmt::format("is missing from the graph's {} list", what));
  }

  const Graph &g_;
  std::vector<std::string> labels_;
  std::unordered_map<const Node *, size_t> position_;
  std::unordered_map<std::string, const Node *> names_;
  std::vector<std::string> problems_;
};

} // namespace

std::vector<std::string> verifyGraph(const Graph &g) { return Verifier(g).run(); }

void verifyOrThrow(const Graph &g) {
  std::vector<std::string> problems = verifyGraph(g);
  if (problems.empty())
    return;
  std::string msg = fmt::format("graph '{}' is malformed:", g.name());
  for (const std::string &p : problems)
    msg += "\n  " + p;
  throw Error(msg);
}

} // namespace duet
