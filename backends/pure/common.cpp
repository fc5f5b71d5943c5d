//===- backends/pure/common.cpp - helpers shared by pure kernels ----------===//

#include "backends/pure/common.h"

#include <variant>

namespace duet::pure {

std::string nodeLabel(const Node &node) {
  std::string ref;
  if (!node.name().empty()) {
    ref = "%";
    ref += node.name();
  } else if (const Graph *g = node.graph()) {
    // The printer numbers anonymous values by position; say what it shows.
    int next = 0;
    for (const Node *n : g->nodes()) {
      if (n == &node) {
        ref = "%";
        ref += std::to_string(next);
        break;
      }
      if (n->name().empty())
        ++next;
    }
  }
  if (ref.empty()) {
    ref = "%<node ";
    ref += std::to_string(node.id());
    ref += ">";
  }
  std::string label(node.opName());
  label += ' ';
  label += ref;
  return label;
}

void fail(const Node &node, const std::string &what) {
  throw Error("pure interpreter: " + nodeLabel(node) + ": " + what);
}

void unsupportedDType(const Node &node, DType t) {
  fail(node, "dtype " + std::string(dtypeName(t)) + " is not supported by this op");
}

Pair2 attrPair(const Node &node, std::string_view name, Pair2 def) {
  const AttrValue *v = node.attrs().find(name);
  if (!v)
    return def;
  if (const int64_t *i = std::get_if<int64_t>(v))
    return {*i, *i};
  if (const auto *l = std::get_if<std::vector<int64_t>>(v)) {
    if (l->size() == 1)
      return {(*l)[0], (*l)[0]};
    if (l->size() == 2)
      return {(*l)[0], (*l)[1]};
  }
  fail(node, "attribute '" + std::string(name) + "' must be an int or a list of 1 or 2 ints");
}

int64_t prod(const Shape &s, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end && i < s.size(); ++i)
    p *= s[i];
  return p;
}

} // namespace duet::pure
