//===- passes/crossover.h - where torch starts to win -----------*- C++ -*-===//
//
// A profile's terms restated as the number a user would otherwise guess: for
// each op, the size of its tuning family (passes/op_sweep.h) from which the
// torch estimate beats the pure one, and the equivalent per-op threshold
// (the largest operand/result numel there, what PartitionOptions::thresholds
// compares with).
//
#pragma once

#include "ir/op_registry.h"

#include <cstdint>
#include <string>

namespace duet {

class CostProfile;

struct Crossover {
  enum class Kind { Never, Always, At };
  Kind kind = Kind::Never;
  int64_t size = 0;      // family size from which torch wins (Kind::At)
  int64_t threshold = 0; // maxOperandNumel of the op at `size`
  /// Torch wins from `size` on but pure wins again from here (0: never does).
  int64_t pureAgainSize = 0;
};

/// Compares the op's estimates alone (what the partition pass does) or, with
/// `standalone`, a lone torch node paying its region launch and the
/// conversions of its operands and result.
Crossover findCrossover(const CostProfile &profile, OpKind op, bool standalone = false);

/// "never", "always", "n >= 181 (numel 32761)".
std::string describeCrossover(const Crossover &c, OpKind op);

} // namespace duet
