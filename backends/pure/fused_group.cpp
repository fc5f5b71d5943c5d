//===- backends/pure/fused_group.cpp - consecutive fused loops, chunk by chunk ===//
#include "backends/pure/fused_plan.h"
#include "backends/pure/interpreter.h"
#include "backends/pure/threads.h"
#include "ir/fused_program.h"

#include <algorithm>
#include <array>

namespace duet {

namespace {

/// Blocks per chunk: 8192 elements, so a chunk of every buffer of a group
/// of a few nodes (Adam: 7 buffers, 224 KiB in f32) stays in L2.
constexpr int64_t kChunkBlocks = 16;

/// Whether writing `w` can clobber `r` at other positions than its own:
/// they overlap without being the same bytes.
bool overlapsShifted(const Buffer &w, const Buffer &r) {
  const auto *a = static_cast<const unsigned char *>(w.raw());
  const auto *b = static_cast<const unsigned char *>(r.raw());
  if (a == b && w.nbytes() == r.nbytes())
    return false;
  return a < b + r.nbytes() && b < a + w.nbytes();
}

/// Chunking is safe when no output overlaps any other buffer of the group
/// (operand or output, of any member) except as the very same bytes: then
/// each chunk's reads and writes touch only that chunk's positions.
bool chunkable(std::span<const FusedGroupMember> members) {
  for (const FusedGroupMember &w : members)
    for (const FusedGroupMember &m : members) {
      if (&w != &m && overlapsShifted(*w.out, *m.out))
        return false;
      for (const Buffer &r : m.inputs)
        if (overlapsShifted(*w.out, r))
          return false;
    }
  return true;
}

} // namespace

bool fusedGroupable(const Node &node, int64_t numel) {
  if (node.op() != OpKind::FusedElementwise || node.type().numel() != numel ||
      endsWithReduction(parseFusedProgram(node.attrs().getString("program"))))
    return false;
  return std::all_of(node.inputs().begin(), node.inputs().end(), [numel](const Node *i) {
    const int64_t n = i->type().numel();
    return n == numel || n == 1;
  });
}

void runFusedGroup(std::span<const FusedGroupMember> members) {
  if (members.size() > kMaxFusedGroup || !chunkable(members)) {
    for (const FusedGroupMember &m : members)
      runPureNodeUnchecked(*m.node, m.inputs, *m.out);
    return;
  }
  std::array<std::shared_ptr<const pure::FusedPlan>, kMaxFusedGroup> plans;
  for (size_t k = 0; k < members.size(); ++k)
    plans[k] = pure::fusedPlanFor(*members[k].node, members[k].inputs);
  const int64_t total = members.front().out->numel();
  const int64_t blocks = (total + pure::kFusedBlock - 1) / pure::kFusedBlock;
  auto body = [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; c += kChunkBlocks)
      for (size_t k = 0; k < members.size(); ++k)
        pure::runFusedBlocks(*plans[k], members[k].inputs, *members[k].out, c,
                             std::min(end, c + kChunkBlocks));
  };
  if (total < pure::kFusedParallelElements)
    body(0, blocks);
  else
    pure::parallelFor(blocks, pure::kFusedParallelElements / 2 / pure::kFusedBlock,
                      [&](int64_t b, int64_t e) { body(b, e); });
}

} // namespace duet
