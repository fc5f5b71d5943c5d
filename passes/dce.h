//===- passes/dce.h - "dce": dead-code elimination --------------*- C++ -*-===//
#pragma once

#include "passes/pass.h"

namespace duet {

/// "dce": removes every node from which no graph output can be reached.
/// Pre: a well-formed graph. Post: every remaining node other than inputs
/// and params (which are the graph's signature and always stay) is an
/// output or feeds one; the relative order of survivors is unchanged.
/// Changed iff a node was removed.
class DcePass : public Pass {
public:
  std::string_view name() const override { return "dce"; }
  bool run(Graph &g) override;
};

} // namespace duet
