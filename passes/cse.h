//===- passes/cse.h - "cse": common-subexpression elimination ---*- C++ -*-===//
#pragma once

#include "passes/pass.h"

namespace duet {

/// "cse": merges nodes that compute the same thing: same op, same operands
/// (in order), same attributes, same result type and same backend/region.
/// Constants with equal values merge too; inputs and params never do.
/// Pre: a well-formed graph. Post: no two nodes are identical in that sense;
/// the first occurrence in graph order survives and takes over every use
/// (outputs included) of the later ones, which are erased (a surviving node
/// keeps its own name). Deterministic. Changed iff a node was merged.
class CsePass : public Pass {
public:
  std::string_view name() const override { return "cse"; }
  bool run(Graph &g) override;
};

} // namespace duet
