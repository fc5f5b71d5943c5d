//===- ir/printer.cpp - the text form of a graph ----------------------------===//
#include "ir/printer.h"

#include "ir/graph.h"
#include "ir/value_names.h"

#include <algorithm>
#include <iostream>
#include <sstream>

namespace duet {

bool isValidValueName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), isNameChar) &&
         !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<std::string> valueLabels(const Graph &g, bool ignoreNames) {
  std::vector<std::string> labels(g.idBound());
  size_t next = 0;
  auto label = [&](const Node *n) {
    if (!n || n->graph() != &g || n->id() >= labels.size() || !labels[n->id()].empty())
      return;
    labels[n->id()] =
        "%" + (!ignoreNames && !n->name().empty() ? n->name() : std::to_string(next++));
  };
  for (const Node *n : g.inputs())
    label(n);
  for (const Node *n : g.params())
    label(n);
  for (const Node *n : g.nodes()) // sources missing from the lists too (malformed)
    label(n);
  return labels;
}

std::string labelOf(const Graph &g, const std::vector<std::string> &labels, const Node *n) {
  if (!n)
    return "%?null";
  if (n->graph() == &g && n->id() < labels.size() && !labels[n->id()].empty())
    return labels[n->id()];
  return "%?" + std::to_string(n->id());
}

namespace {

// One printer for both the text form and the structural key: the key is the
// text form with every value numbered and no name, annotation or comment.
void printImpl(std::ostream &os, const Graph &g, const PrintOptions &opts, bool key) {
  std::vector<std::string> labels = valueLabels(g, key);
  auto label = [&](const Node *n) { return labelOf(g, labels, n); };
  auto declarations = [&](const std::vector<Node *> &nodes) {
    for (size_t i = 0; i < nodes.size(); ++i)
      os << (i ? ", " : "") << label(nodes[i]) << ": " << (nodes[i] ? nodes[i]->type().str() : "?");
  };

  os << "graph " << (key ? "" : g.name()) << "(";
  declarations(g.inputs());
  os << ")";
  if (!g.params().empty()) {
    os << " params(";
    declarations(g.params());
    os << ")";
  }
  os << " {\n";
  for (const Node *n : g.nodes()) {
    if (!n || n->op() == OpKind::Input || n->op() == OpKind::Param)
      continue; // declared in the header
    os << "  " << label(n) << " = " << n->opName() << "(";
    for (size_t i = 0; i < n->numInputs(); ++i)
      os << (i ? ", " : "") << label(n->input(i));
    os << ")";
    if (!n->attrs().empty()) {
      os << " {";
      bool first = true;
      for (const auto &[name, value] : n->attrs().items()) {
        os << (first ? "" : ", ") << name << "=" << attrValueToString(value);
        first = false;
      }
      os << "}";
    }
    os << " : " << n->type().str();
    if (!key && opts.annotations && n->backend() != Backend::Unassigned) {
      os << " @" << backendName(n->backend());
      if (n->region() >= 0)
        os << ":" << n->region();
    }
    if (!key && opts.comment) {
      std::string text = opts.comment(*n);
      std::replace(text.begin(), text.end(), '\n', ' '); // keep one node per line
      if (!text.empty())
        os << "  // " << text;
    }
    os << "\n";
  }
  os << "  return";
  for (size_t i = 0; i < g.outputs().size(); ++i)
    os << (i ? ", " : " ") << label(g.outputs()[i]);
  os << "\n}\n";
}

} // namespace

void printGraph(std::ostream &os, const Graph &g, const PrintOptions &opts) {
  printImpl(os, g, opts, false);
}

std::string printGraph(const Graph &g, const PrintOptions &opts) {
  std::ostringstream os;
  printImpl(os, g, opts, false);
  return os.str();
}

std::string structuralKey(const Graph &g) {
  std::ostringstream os;
  printImpl(os, g, {}, true);
  return os.str();
}

void Graph::print(std::ostream &os) const { printGraph(os, *this); }
std::string Graph::str() const { return printGraph(*this); }
void Graph::dump() const { printGraph(std::cerr, *this); }
std::ostream &operator<<(std::ostream &os, const Graph &g) {
  printGraph(os, g);
  return os;
}

} // namespace duet
