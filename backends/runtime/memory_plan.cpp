//===- backends/runtime/memory_plan.cpp - liveness and arena offsets ------===//
//
// 1. storage class of every slot (memory_plan.h);
// 2. the arena slots each slot may point into (aliases through conversions
//    and torch regions), and from that the last step reading each buffer;
// 3. in place: an elementwise result joins its operand's block when nothing
//    reads that block after this step;
// 4. offsets: blocks by size, largest first, each at the lowest offset free
//    for its whole lifetime (greedy by size, as TFLite's arena planner).
//
#include "backends/runtime/memory_plan.h"

#include "ir/fused_program.h"

#include "ir/graph.h"
#include "ir/op_registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace duet {

namespace {

constexpr int64_t kAlignment = 64;

int64_t alignedBytes(const Node &n) {
  return (n.type().nbytes() + kAlignment - 1) / kAlignment * kAlignment;
}

void appendUnique(std::vector<int> &to, const std::vector<int> &from) {
  for (int x : from)
    if (std::find(to.begin(), to.end(), x) == to.end())
      to.push_back(x);
}

struct Block {
  int root = -1; // the slot whose offset the block's members share
  int begin = 0, end = 0;
  int64_t bytes = 0;
};

/// Lowest offset where `b` overlaps no placed block that is live at the same time.
int64_t lowestFreeOffset(const Block &b, const std::vector<std::pair<Block, int64_t>> &placed) {
  std::vector<std::pair<int64_t, int64_t>> busy; // [offset, offset + bytes)
  for (const auto &[other, off] : placed)
    if (other.begin <= b.end && b.begin <= other.end)
      busy.emplace_back(off, off + other.bytes);
  std::sort(busy.begin(), busy.end());
  int64_t candidate = 0;
  for (const auto &[lo, hi] : busy) {
    if (candidate + b.bytes <= lo)
      break;
    candidate = std::max(candidate, hi);
  }
  return candidate;
}

} // namespace

bool runsInPlace(const Node &n) {
  // A fused loop reads each block of its operands before its last step
  // writes that block of the output (backends/pure/fused.cpp); unary and
  // binary arithmetic kernels read element i before writing it. Cast,
  // comparisons and where are left out: their kernels are not written for
  // aliasing (and mostly change the dtype anyway).
  if (n.op() == OpKind::FusedElementwise) // not a reduction: it writes rows while reading on
    return !endsWithReduction(parseFusedProgram(n.attrs().getString("program")));
  const OpCategory c = opInfo(n.op()).category;
  return (c == OpCategory::Unary && n.op() != OpKind::Cast) || c == OpCategory::Binary;
}

bool isFreeView(const Node &n) { return n.op() == OpKind::Reshape || n.op() == OpKind::View; }

std::string MemoryPlan::summary() const {
  int64_t arenaSlots = std::count(storage.begin(), storage.end(), SlotStorage::Arena);
  return fmt::format("{} values in a {} byte arena ({} bytes unplanned), {} in place, {} free "
                     "reshapes",
                     arenaSlots, arenaBytes, unplannedBytes, inPlaceSteps, viewSteps);
}

MemoryPlan planMemory(const Executor::Parts &p) {
  const std::vector<Node *> &nodes = p.graph->nodes();
  const size_t numSlots = static_cast<size_t>(p.numSlots);
  MemoryPlan m;
  m.storage.assign(numSlots, SlotStorage::Dynamic);
  m.offset.assign(numSlots, -1);
  m.inPlaceOf.assign(numSlots, -1);
  m.viewOf.assign(numSlots, -1);
  for (int s : p.inputSlots)
    m.storage[s] = SlotStorage::Bound;
  for (int s : p.paramSlots)
    m.storage[s] = SlotStorage::Bound;
  for (const auto &c : p.constants)
    m.storage[c.first] = SlotStorage::Bound;

  // 1-2. Storage candidates, aliases, and the step defining each slot.
  std::vector<std::vector<int>> mayAlias(numSlots);
  std::vector<int> defStep(numSlots, -1), lastRead(numSlots, -1);
  auto read = [&](int slot, int step) {
    for (int a : mayAlias[slot])
      lastRead[a] = std::max(lastRead[a], step);
  };
  for (size_t t = 0; t < p.steps.size(); ++t) {
    const int step = static_cast<int>(t);
    const Step &s = p.steps[t];
    if (s.region < 0) {
      for (int in : s.pure.inputs)
        read(in, step);
      if (s.pure.alias) {
        mayAlias[s.pure.output] = mayAlias[s.pure.inputs[0]];
      } else {
        m.storage[s.pure.output] = SlotStorage::Arena;
        mayAlias[s.pure.output] = {s.pure.output};
      }
      defStep[s.pure.output] = step;
      continue;
    }
    const RegionStep &r = p.regions[s.region];
    std::vector<int> inputsAlias;
    for (int in : r.inputSlots) {
      read(in, step);
      appendUnique(inputsAlias, mayAlias[in]);
    }
    for (int out : r.outputSlots) {
      mayAlias[out] = inputsAlias;
      defStep[out] = step;
    }
  }
  for (int o : p.outputSlots) {
    if (m.storage[o] == SlotStorage::Arena)
      m.storage[o] = SlotStorage::Output;
    for (int a : mayAlias[o])
      if (a != o && m.storage[a] == SlotStorage::Arena)
        m.storage[a] = SlotStorage::Fresh;
  }

  // 3. Blocks, in place where the operand's block is read last here.
  std::vector<int> blockOf(numSlots, -1);
  std::vector<Block> blocks;
  for (size_t t = 0; t < p.steps.size(); ++t) {
    const Step &s = p.steps[t];
    if (s.region >= 0 || s.pure.alias || m.storage[s.pure.output] != SlotStorage::Arena)
      continue;
    const int out = s.pure.output;
    const int end = std::max(lastRead[out], static_cast<int>(t));
    if (const int in = s.pure.inputs.empty() ? -1 : s.pure.inputs[0];
        isFreeView(*s.pure.node) && m.storage[in] == SlotStorage::Arena) {
      // Same bytes, new shape: share the operand's block for both lifetimes.
      Block &b = blocks[blockOf[in]];
      b.end = std::max(b.end, end);
      blockOf[out] = blockOf[in];
      m.viewOf[out] = in;
      ++m.viewSteps;
      m.unplannedBytes += alignedBytes(*nodes[out]);
      continue;
    }
    if (runsInPlace(*s.pure.node)) {
      for (int in : s.pure.inputs) {
        if (m.storage[in] != SlotStorage::Arena || nodes[in]->type() != nodes[out]->type())
          continue;
        Block &b = blocks[blockOf[in]];
        if (b.end != static_cast<int>(t))
          continue;
        b.end = end;
        blockOf[out] = blockOf[in];
        m.inPlaceOf[out] = in;
        ++m.inPlaceSteps;
        break;
      }
    }
    if (blockOf[out] < 0) {
      blockOf[out] = static_cast<int>(blocks.size());
      blocks.push_back({out, static_cast<int>(t), end, alignedBytes(*nodes[out])});
    }
    m.unplannedBytes += alignedBytes(*nodes[out]);
  }
  // A block's end must cover every member's reads (a member's end was
  // known when it joined, but reads of earlier members are earlier).
  for (size_t slot = 0; slot < numSlots; ++slot)
    if (blockOf[slot] >= 0)
      blocks[blockOf[slot]].end = std::max(blocks[blockOf[slot]].end, lastRead[slot]);

  // 4. Offsets: largest first, ties by first use (deterministic).
  std::vector<size_t> order(blocks.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return blocks[a].bytes != blocks[b].bytes ? blocks[a].bytes > blocks[b].bytes
                                              : blocks[a].begin < blocks[b].begin;
  });
  std::vector<std::pair<Block, int64_t>> placed;
  std::vector<int64_t> blockOffset(blocks.size(), 0);
  for (size_t i : order) {
    int64_t off = lowestFreeOffset(blocks[i], placed);
    blockOffset[i] = off;
    placed.emplace_back(blocks[i], off);
    m.arenaBytes = std::max(m.arenaBytes, off + blocks[i].bytes);
  }
  for (size_t slot = 0; slot < numSlots; ++slot)
    if (blockOf[slot] >= 0)
      m.offset[slot] = blockOffset[blockOf[slot]];
  return m;
}

} // namespace duet
