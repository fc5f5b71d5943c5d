//===- passes/verify.cpp - "verify": check the graph's invariants ----------===//
#include "passes/verify.h"

#include "ir/verifier.h"

namespace duet {

bool VerifyPass::run(Graph &g) {
  verifyOrThrow(g);
  return false;
}

} // namespace duet
