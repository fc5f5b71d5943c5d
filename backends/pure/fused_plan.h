//===- backends/pure/fused_plan.h - a fused program ready to run -*- C++ -*-===//
//
// Internal to the pure interpreter. A fused_elementwise node's program,
// compiled once per (program, operand types): one instruction per step with
// its dtypes resolved, scratch registers assigned by liveness, and how each
// operand is read for a block of output elements (straight from its buffer,
// a splat, or gathered through broadcast strides).
//
#pragma once

#include "backends/buffer.h"
#include "backends/pure/unary_constants.h"
#include "ir/graph.h"

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace duet::pure {

/// Output elements per block: a block of every live register stays in L1.
inline constexpr int64_t kFusedBlock = 512;
/// Output elements from which a fused loop splits its blocks over threads.
inline constexpr int64_t kFusedParallelElements = int64_t(1) << 18;
/// Bytes of one register (the widest dtype).
inline constexpr int64_t kRegisterBytes = kFusedBlock * 8;

struct FusedInstr {
  OpKind op;
  DType type;    // result
  DType argType; // operand 0 (where: operand 1)
  int nargs = 0;
  int args[3] = {0, 0, 0}; // value slots (see FusedPlan)
  int reg = -1;            // register of the result; -1 for the last step (the output)
  bool scalar[3] = {false, false, false}; // arithmetic operand read as one value (a splat)
  UnaryConstants consts;                  // leaky_relu slope, clamp bounds
};

/// Most dims a gathered operand may have after collapsing (compilePlan
/// rejects more, naming the node).
inline constexpr size_t kMaxGatherRank = 16;

/// How operand k is read for a block.
enum class FusedAccess { Direct, Splat, Gather };

struct FusedOperand {
  FusedAccess access = FusedAccess::Direct;
  int reg = -1;      // Splat / Gather: the register holding the block
  bool fill = false; // Splat: some step needs it as a block, not a scalar
  size_t elemSize = 4;
  std::vector<int64_t> sizes;   // Gather: collapsed iteration shape
  std::vector<int64_t> strides; // Gather: element strides into the operand
};

/// Value slots: 0..numInputs-1 are the operands, numInputs + j is step j.
struct TileProgram; // fused_tiles.h

struct FusedPlan {
  std::string program;
  std::vector<TensorType> inputTypes;
  TensorType outType;
  std::vector<FusedInstr> instrs;
  std::vector<FusedOperand> operands;
  int numRegisters = 0;
  /// Elements the loop walks: the output's, or for a program ending with a
  /// reduction (which is not an instruction) its operand's.
  int64_t loopElements = 0;
  /// A reduction over the trailing axes: loop element e adds to output
  /// element e / rowLength; the last instruction writes each block to
  /// register sinkRegister, which is then summed.
  bool reduces = false, mean = false;
  int64_t rowLength = 1;
  int sinkRegister = -1;
  /// The steps as register-resident tile code, when every step has one.
  std::shared_ptr<const TileProgram> tiles;
  int numInputs() const { return static_cast<int>(inputTypes.size()); }
};

/// The plan for `node` with operand buffers `in` (cached; thread-safe).
/// Throws duet::Error naming the node for a malformed program.
std::shared_ptr<const FusedPlan> fusedPlanFor(const Node &node, std::span<const Buffer> in);

/// Runs blocks [firstBlock, endBlock) of the plan's output (fused.cpp).
void runFusedBlocks(const FusedPlan &plan, std::span<const Buffer> in, Buffer &out,
                    int64_t firstBlock, int64_t endBlock);

/// Copies elements [start, start + n) of the broadcast view of an operand
/// (collapsed sizes/strides from FusedOperand) into `dst`.
void gatherBlock(const FusedOperand &op, const void *src, int64_t start, int64_t n, void *dst);

} // namespace duet::pure
