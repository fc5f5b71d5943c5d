//===- ir/printer.h - the text form of a graph ------------------*- C++ -*-===//
//
//   graph mlp(%x: f32[32,784]) params(%w1: f32[784,256], %b1: f32[256]) {
//     %0 = matmul(%x, %w1) : f32[32,256]
//     %1 = add(%0, %b1) : f32[32,256] @torch:0
//     %y = relu(%1) : f32[32,256]
//     return %y, %1
//   }
//
// Anonymous values are numbered by position (%0, %1, ...), so printing is
// deterministic and print -> parse -> print is the identity. `@pure` /
// `@torch` / `@torch:R` record the backend and region once assigned.
// `// ...` comments are ignored by the parser.
//
#pragma once

#include <functional>
#include <iosfwd>
#include <string>

namespace duet {

class Graph;
class Node;

struct PrintOptions {
  /// Print `@backend[:region]` annotations when assigned.
  bool annotations = true;
  /// If set, a non-empty result is appended to the node's line as `// text`.
  std::function<std::string(const Node &)> comment;
};

void printGraph(std::ostream &os, const Graph &g, const PrintOptions &opts = {});
std::string printGraph(const Graph &g, const PrintOptions &opts = {});

/// Structural key of a graph: the text form without names or annotations
/// (inputs and params in order). Two graphs with equal keys compute the same
/// function of their inputs; the plan cache keys on it.
std::string structuralKey(const Graph &g);

} // namespace duet
