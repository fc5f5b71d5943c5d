//===- backends/pure/fused.cpp - fused_elementwise: one blocked loop ------===//
//
// The output is walked in blocks of kFusedBlock elements; for each block the
// program's steps run one after another as Eigen array expressions over
// that block, reading operands in place (or from a register a broadcast
// operand was gathered into) and writing small scratch registers that stay
// in L1. The last step writes the output block itself. Big outputs split
// their blocks over the interpreter's threads. A program with tile code
// (fused_tiles.h) runs the whole tiles of each block that way, in vector
// registers; the step loop does the rest of the block.
//
#include "backends/pure/common.h"
#include "backends/pure/fused_plan.h"
#include "backends/pure/fused_tiles.h"
#include "backends/pure/kernels.h"
#include "backends/pure/math.h"
#include "backends/pure/threads.h"

#include "backends/pure/eigen.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace duet::pure {

namespace {

template <class T> using Arr = Eigen::Array<T, Eigen::Dynamic, 1>;
template <class T> using In = Eigen::Map<const Arr<T>>;
template <class T> using Out = Eigen::Map<Arr<T>>;

template <class T> In<T> arg(const void *const *slot, const FusedInstr &s, int k, int64_t n) {
  return In<T>(static_cast<const T *>(slot[s.args[k]]), n);
}

/// An arithmetic step with one scalar operand (FusedInstr::scalar).
template <class T>
void scalarStep(const FusedInstr &s, const void *const *slot, Out<T> &y, int64_t n) {
  const int vec = s.scalar[0] ? 1 : 0;
  const In<T> v = arg<T>(slot, s, vec, n);
  const T c = *static_cast<const T *>(slot[s.args[1 - vec]]);
  const bool left = vec == 1; // c op v
  switch (s.op) {
  case OpKind::Add: y = v + c; return;
  case OpKind::Mul: y = v * c; return;
  case OpKind::Sub:
    if (left)
      y = c - v;
    else
      y = v - c;
    return;
  case OpKind::Div:
    if (left)
      y = c / v;
    else
      y = v / c;
    return;
  case OpKind::Maximum: // NaN-propagating, either side
    y = v.unaryExpr([c](T e) { return e != e ? e : c != c ? c : (e < c ? c : e); });
    return;
  case OpKind::Minimum:
    y = v.unaryExpr([c](T e) { return e != e ? e : c != c ? c : (c < e ? c : e); });
    return;
  default: return;
  }
}

template <class T>
void floatStep(const FusedInstr &s, const void *const *slot, void *dst, int64_t n) {
  using namespace Eigen::internal;
  Out<T> y(static_cast<T *>(dst), n);
  const In<T> x = arg<T>(slot, s, 0, n);
  if (floatUnaryInto(s.op, s.consts, x, y))
    return;
  if (s.scalar[0] || s.scalar[1]) // one operand is a splat: Eigen broadcasts the value
    return scalarStep<T>(s, slot, y, n);
  const In<T> b = arg<T>(slot, s, 1, n);
  switch (s.op) {
  case OpKind::Add: y = x + b; return;
  case OpKind::Sub: y = x - b; return;
  case OpKind::Mul: y = x * b; return;
  case OpKind::Div: y = x / b; return;
  case OpKind::Pow: y = x.binaryExpr(b, [](T u, T v) { return std::pow(u, v); }); return;
  case OpKind::Maximum: y = x.binaryExpr(b, scalar_max_op<T, T, Eigen::PropagateNaN>()); return;
  case OpKind::Minimum: y = x.binaryExpr(b, scalar_min_op<T, T, Eigen::PropagateNaN>()); return;
  default: break;
  }
}

template <class T>
void compareStep(const FusedInstr &s, const void *const *slot, void *dst, int64_t n) {
  Out<bool> y(static_cast<bool *>(dst), n);
  const In<T> x = arg<T>(slot, s, 0, n), b = arg<T>(slot, s, 1, n);
  switch (s.op) {
  case OpKind::Eq: y = x == b; return;
  case OpKind::Ne: y = x != b; return;
  case OpKind::Lt: y = x < b; return;
  case OpKind::Le: y = x <= b; return;
  case OpKind::Gt: y = x > b; return;
  case OpKind::Ge: y = x >= b; return;
  default: return;
  }
}

template <class T>
void whereStep(const FusedInstr &s, const void *const *slot, void *dst, int64_t n) {
  const bool *c = static_cast<const bool *>(slot[s.args[0]]);
  const T *a = static_cast<const T *>(slot[s.args[1]]),
          *b = static_cast<const T *>(slot[s.args[2]]);
  T *o = static_cast<T *>(dst);
  for (int64_t i = 0; i < n; ++i) // branch-free select; vectorizes
    o[i] = c[i] ? a[i] : b[i];
}

template <class To, class From> void castStep(const void *src, void *dst, int64_t n) {
  const From *x = static_cast<const From *>(src);
  To *y = static_cast<To *>(dst);
  if constexpr (std::is_same_v<To, From>)
    std::memcpy(y, x, n * sizeof(To));
  else if constexpr (std::is_same_v<To, bool>)
    Out<bool>(y, n) = In<From>(x, n) != From(0);
  else
    Out<To>(y, n) = In<From>(x, n).template cast<To>();
}

template <class F> void withFusedType(DType t, F &&f) {
  switch (t) {
  case DType::F32: return f(float{});
  case DType::F64: return f(double{});
  default: return f(bool{});
  }
}

void step(const FusedInstr &s, const void *const *slot, void *dst, int64_t n) {
  const OpCategory cat = opInfo(s.op).category;
  if (s.op == OpKind::Cast) {
    withFusedType(s.type, [&](auto to) {
      withFusedType(s.argType, [&](auto from) {
        castStep<decltype(to), decltype(from)>(slot[s.args[0]], dst, n);
      });
    });
  } else if (cat == OpCategory::Compare) {
    withFusedType(s.argType, [&](auto t) { compareStep<decltype(t)>(s, slot, dst, n); });
  } else if (s.op == OpKind::Where) {
    withFusedType(s.type, [&](auto t) { whereStep<decltype(t)>(s, slot, dst, n); });
  } else if (s.type == DType::F32) {
    floatStep<float>(s, slot, dst, n);
  } else {
    floatStep<double>(s, slot, dst, n);
  }
}

/// Adds loop elements [start, start + n), computed into `block`, to the
/// sums of the output rows they belong to.
template <class T>
void accumulateRows(const T *block, int64_t start, int64_t n, int64_t rowLength, double *sums) {
  for (int64_t e = start; e < start + n;) {
    const int64_t row = e / rowLength, end = std::min(start + n, (row + 1) * rowLength);
    sums[row] += static_cast<double>(In<T>(block + (e - start), end - e).sum());
    e = end;
  }
}

/// Runs blocks [firstBlock, endBlock) of the loop. A reducing plan adds
/// each block to `rowSums` instead of writing the output.
void runBlocks(const FusedPlan &p, Inputs in, Buffer &out, int64_t firstBlock, int64_t endBlock,
               double *rowSums = nullptr) {
  const int numIn = p.numInputs();
  const int numSlots = numIn + static_cast<int>(p.instrs.size());
  // Per-thread scratch, grown once: a steady-state run allocates nothing.
  thread_local std::vector<unsigned char> scratchStore;
  thread_local std::vector<const void *> slotStore;
  const size_t scratchBytes = static_cast<size_t>(p.numRegisters) * kRegisterBytes + 64;
  if (scratchStore.size() < scratchBytes)
    scratchStore.resize(scratchBytes);
  if (slotStore.size() < static_cast<size_t>(numSlots))
    slotStore.resize(numSlots);
  auto *base = reinterpret_cast<unsigned char *>(
      (reinterpret_cast<uintptr_t>(scratchStore.data()) + 63) & ~uintptr_t(63));
  auto reg = [&](int r) { return base + static_cast<size_t>(r) * kRegisterBytes; };
  const void **slot = slotStore.data();
  const int64_t total = p.loopElements;

  const int64_t splatLen = std::min(kFusedBlock, total);
  for (int k = 0; k < numIn; ++k) // a splat is the same in every block
    if (p.operands[k].access == FusedAccess::Splat) {
      slot[k] = in[k].raw(); // what scalar operands read
      if (!p.operands[k].fill)
        continue;
      void *r = reg(p.operands[k].reg);
      withFusedType(in[k].dtype(), [&](auto tag) {
        using T = decltype(tag);
        std::fill_n(static_cast<T *>(r), splatLen, *static_cast<const T *>(in[k].raw()));
      });
      slot[k] = r;
    }
  const int64_t tile = p.tiles ? tileElements(*p.tiles) : 0;
  if (p.tiles) // saved steps' registers (the step loop sets the same)
    for (size_t j = 0; j < p.instrs.size(); ++j)
      if (p.instrs[j].reg >= 0)
        slot[numIn + j] = reg(p.instrs[j].reg);
  auto *outBytes = static_cast<unsigned char *>(out.raw());
  for (int64_t blk = firstBlock; blk < endBlock; ++blk) {
    const int64_t start = blk * kFusedBlock;
    const int64_t n = std::min(kFusedBlock, total - start);
    for (int k = 0; k < numIn; ++k) {
      const FusedOperand &op = p.operands[k];
      if (op.access == FusedAccess::Direct) {
        slot[k] = static_cast<const unsigned char *>(in[k].raw()) + start * op.elemSize;
      } else if (op.access == FusedAccess::Gather) {
        gatherBlock(op, in[k].raw(), start, n, reg(op.reg));
        slot[k] = reg(op.reg);
      }
    }
    const size_t elemSize = dtypeSize(p.outType.dtype);
    unsigned char *dstBlock = p.reduces ? reg(p.sinkRegister) : outBytes + start * elemSize;
    auto finishBlock = [&] {
      if (p.reduces)
        withFusedType(p.outType.dtype, [&](auto tag) {
          using T = decltype(tag);
          if constexpr (!std::is_same_v<T, bool>)
            accumulateRows(reinterpret_cast<const T *>(dstBlock), start, n, p.rowLength,
                           rowSums);
        });
    };
    const int64_t tiled = tile ? n / tile * tile : 0;
    if (tiled > 0)
      runTiles(*p.tiles, slot, base, dstBlock, tiled);
    if (tiled == n) {
      finishBlock();
      continue;
    }
    // The rest of the block (all of it without tile code) runs step by
    // step, from element `tiled` on: operand blocks move along (they are
    // set afresh for every block); a splat, filled or not, reads the same
    // value anywhere, so its slot stays put for the blocks to come.
    for (int k = 0; k < numIn; ++k)
      if (p.operands[k].access != FusedAccess::Splat)
        slot[k] = static_cast<const unsigned char *>(slot[k]) + tiled * p.operands[k].elemSize;
    for (size_t j = 0; j < p.instrs.size(); ++j) {
      const FusedInstr &s = p.instrs[j];
      void *dst = s.reg >= 0 ? static_cast<void *>(reg(s.reg)) : dstBlock + tiled * elemSize;
      step(s, slot, dst, n - tiled);
      slot[numIn + j] = dst;
    }
    finishBlock();
  }
}

/// A program ending with a sum or mean: one pass over the loop elements
/// on this thread, summing each block into per-row double accumulators.
void runReducing(const FusedPlan &p, Inputs in, Buffer &out) {
  const int64_t rows = out.numel();
  thread_local std::vector<double> sums; // grown once: steady state allocates nothing
  sums.assign(static_cast<size_t>(rows), 0.0);
  const int64_t blocks = (p.loopElements + kFusedBlock - 1) / kFusedBlock;
  if (p.loopElements > 0)
    runBlocks(p, in, out, 0, blocks, sums.data());
  withFusedType(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_same_v<T, bool>) {
      T *y = out.data<T>();
      for (int64_t r = 0; r < rows; ++r) // torch: the mean of nothing is NaN
        y[r] = static_cast<T>(p.mean ? sums[r] / static_cast<double>(p.rowLength) : sums[r]);
    }
  });
}

} // namespace

void runFusedBlocks(const FusedPlan &plan, Inputs in, Buffer &out, int64_t firstBlock,
                    int64_t endBlock) {
  runBlocks(plan, in, out, firstBlock, endBlock);
}

void runFused(const Node &node, Inputs in, Buffer &out) {
  std::shared_ptr<const FusedPlan> plan = fusedPlanFor(node, in);
  if (plan->reduces)
    return runReducing(*plan, in, out);
  const int64_t total = out.numel();
  if (total == 0)
    return;
  const int64_t blocks = (total + kFusedBlock - 1) / kFusedBlock;
  const FusedPlan &p = *plan;
  if (total < kFusedParallelElements) {
    runBlocks(p, in, out, 0, blocks);
    return;
  }
  parallelFor(blocks, kFusedParallelElements / 2 / kFusedBlock,
              [&](int64_t b, int64_t e) { runBlocks(p, in, out, b, e); });
}

} // namespace duet::pure
