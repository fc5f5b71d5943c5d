//===- ir/fused_program.h - the program of a fused_elementwise node -*- C++ -*-===//
//
// A `fused_elementwise` node (made by passes/fuse_elementwise) carries the
// elementwise ops it replaced as a small program in its `program` attribute:
//
//   "t0=mul(i0,i1); t1=add(t0,i2); t2=clamp[max=6.0,min=0.0](t1)"
//
// `iK` is operand K of the node, `tN` the result of step N; steps only read
// operands and earlier steps, and the last step is the node's result. Each
// step is an ordinary elementwise op (its own type rule applies, with
// broadcasting), so the text reads like the nodes it came from.
//
#pragma once

#include "ir/attributes.h"
#include "ir/op_registry.h"
#include "ir/shape.h"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace duet {

struct FusedStep {
  OpKind op;
  Attributes attrs;
  /// Operand references: K >= 0 is node operand K, -1-N is step N.
  std::vector<int> args;
};

struct FusedProgram {
  std::vector<FusedStep> steps;
  static int stepRef(int n) { return -1 - n; }
  static bool isStep(int ref) { return ref < 0; }
  static int stepOf(int ref) { return -1 - ref; }
};

/// Whether `op` may appear in a fused program: the elementwise ops the fused
/// kernel implements (float math, comparisons, where, cast).
bool isFusibleOp(OpKind op);
/// Whether `op` is a reduction (sum, mean): allowed as a program's last
/// step only, which then reduces the elementwise steps' result.
bool isFusedReduction(OpKind op);
/// Whether the program's last step is a reduction.
bool endsWithReduction(const FusedProgram &p);
/// Whether a fused program computes in `t` (f32, f64, bool).
bool isFusibleDType(DType t);

/// Parses the text form. Throws duet::Error("fused_elementwise: program: ...")
/// naming the offending step.
FusedProgram parseFusedProgram(std::string_view text);
/// The text form; parseFusedProgram(printFusedProgram(p)) == p.
std::string printFusedProgram(const FusedProgram &p);

/// The type of every step for the given operand types, by each step's own
/// type rule. Throws duet::Error naming the step when a rule fails, an
/// operand reference is out of range, or a step's dtype is not fusible.
std::vector<TensorType> fusedStepTypes(const FusedProgram &p, std::span<const TensorType> inputs);

} // namespace duet
