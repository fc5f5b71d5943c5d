//===- passes/verify.h - "verify": check the graph's invariants -*- C++ -*-===//
#pragma once

#include "passes/pass.h"

namespace duet {

/// "verify": runs the IR verifier (ir/verifier.h).
/// Pre: none (any graph). Post: the graph is unchanged and well formed;
/// otherwise throws duet::Error listing every problem, each naming its node.
class VerifyPass : public Pass {
public:
  std::string_view name() const override { return "verify"; }
  bool run(Graph &g) override;
};

} // namespace duet
