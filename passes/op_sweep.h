//===- passes/op_sweep.h - representative single-op graphs ------*- C++ -*-===//
//
// What `duet tune` measures and `duet tune --show` reasons about: for each
// op, a family of single-node graphs indexed by one size parameter (numel
// for elementwise ops, n for an n x n matmul, the spatial side for conv and
// pooling), in a few variants (a bias-broadcast add, a first conv layer),
// and the sizes a sweep visits. Only ir/ is needed, so the families can be
// built anywhere (tuner, crossover report, tests).
//
#pragma once

#include "ir/graph.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace duet {

/// One single-op graph: inputs for every operand, the op node, returned.
struct OpCase {
  std::unique_ptr<Graph> graph;
  const Node *node = nullptr;
};

/// One point of a sweep: a family member.
struct SweepPoint {
  int64_t size = 0;
  int variant = 0;
};

/// The op at `size` (clamped to the family's minimum; sizes that a shape
/// needs divisible are rounded down), variant 0 being the canonical family
/// --show uses. Throws duet::Error for sources, conversions and variants the
/// op does not have.
OpCase buildOpCase(OpKind op, int64_t size, int variant = 0);

/// The points `duet tune` measures, smallest first within each variant
/// (quick: fewer and smaller).
std::vector<SweepPoint> sweepPoints(OpKind op, bool quick);

/// Every op `duet tune` measures by default (all but sources, conversions).
std::vector<OpKind> tunableOps();

/// What the size parameter of the canonical family means, for reports:
/// "numel", "n ([n,n] x [n,n])", "h (x [8,16,h,h], 3x3 conv 16->16)".
std::string sizeMeaning(OpKind op);

/// The largest family size --show searches (beyond it: "never").
int64_t maxFamilySize(OpKind op);

/// Largest operand/result numel of a node: what thresholds compare with.
int64_t maxOperandNumel(const Node &n);

} // namespace duet
