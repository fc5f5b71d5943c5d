//===- ir/value_names.h - how values are named in text (internal) -*- C++ -*-===//
//
// Shared by the printer, the parser and the verifier so that messages name a
// value exactly as a dump shows it.
//
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace duet {

class Graph;
class Node;

/// The printed label ("%x", "%3") of each node, indexed by NodeId. Named
/// nodes use their name; anonymous ones are numbered in print order (header
/// inputs, params, then the body). With `ignoreNames` every node is numbered
/// (structural keys). Never fails, even on a malformed graph.
std::vector<std::string> valueLabels(const Graph &g, bool ignoreNames = false);
/// The label of `n`, or "%?<id>" for a node that has none (null, foreign).
std::string labelOf(const Graph &g, const std::vector<std::string> &labels, const Node *n);
/// A valid value name: [A-Za-z0-9_.]+ and not all digits (digits are the
/// printer's numbering of anonymous values).
bool isValidValueName(std::string_view name);
/// Characters allowed in value and graph names.
inline bool isNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.';
}

} // namespace duet
