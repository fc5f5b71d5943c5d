//===- backends/pure/fused_tiles.h - fused programs in vector registers -*- C++ -*-===//
//
// Internal to the pure interpreter. The block loop of fused.cpp runs each
// step over a whole block and keeps every intermediate in an L1 register
// block, so each step costs a load and a store per element. A program of
// plain float math can instead keep its values in vector registers: the
// block is walked in tiles of 8 SIMD packets, and each step is a small
// function that transforms the 8 packets (passed to it in registers, as
// arguments) and tail-calls the next step's function (threaded code, as in
// wasm3 or the copy-and-patch JITs, without generating code). Only a value
// that a later step than the next one reads goes to memory.
//
#pragma once

#include "backends/pure/fused_plan.h"

#include <memory>

namespace duet::pure {

struct TileProgram;

/// The plan's steps as tile code, or null when some step has no packet
/// form here (comparisons, where, cast, pow, bool or mixed dtypes, a
/// function Eigen does not vectorize for the dtype, or a very long program).
std::shared_ptr<const TileProgram> compileTileProgram(const FusedPlan &plan);

/// Output elements per tile (8 packets of the plan's dtype).
int64_t tileElements(const TileProgram &program);

/// Runs elements [0, n) of a block, n a multiple of tileElements. `slot` is
/// the block's value table of fused.cpp: operand k's block (a splat's
/// value), and for step j (slot numInputs + j) with a register, that
/// register. `registers` is the scratch the registers lie in; `out` the
/// block's first output element.
void runTiles(const TileProgram &program, const void *const *slot, unsigned char *registers,
              void *out, int64_t n);

} // namespace duet::pure
