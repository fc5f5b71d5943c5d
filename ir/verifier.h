//===- ir/verifier.h - structural invariants of a graph ---------*- C++ -*-===//
#pragma once

#include <string>
#include <vector>

namespace duet {

class Graph;

/// Checks: use lists symmetric with operand lists; operands defined earlier
/// in the order (acyclic, topological); every node's arity and attributes
/// valid; each node's type equal to the type its op infers from its operands;
/// outputs belong to the graph; names unique; regions only on torch nodes.
/// Returns the problems found, each naming the node ("%3 (add): ..."); empty
/// when the graph is well formed.
std::vector<std::string> verifyGraph(const Graph &g);
/// Throws duet::Error listing every problem if verifyGraph finds any.
void verifyOrThrow(const Graph &g);

} // namespace duet
