//===- tests/pure/fused_group_test.cpp - fused loops run chunk by chunk ----===//
//
// runFusedGroup interleaves consecutive fused loops chunk by chunk; the
// result must be bit for bit what running them one after another gives,
// including when buffers alias (in place, or an arena block reused at an
// offset, where chunking itself would be wrong and the group runs serially).
//
#include "pure_test_util.h"

#include "backends/pure/threads.h"

#include <cstring>
#include <memory>

namespace duet {
namespace {

using namespace duet::test;

/// Adam's three updates as the fuse pass makes them: m' = b1 m + (1-b1) g,
/// v' = b2 v + (1-b2) g^2, p' = p - lr m' / (sqrt(v') + eps).
struct AdamGroup {
  Graph g;
  Node *p, *grad, *m, *v, *lr, *m1, *v1, *p1;
  explicit AdamGroup(int64_t n) {
    const TensorType t{DType::F32, {n}};
    p = g.addInput("p", t);
    grad = g.addInput("g", t);
    m = g.addInput("m", t);
    v = g.addInput("v", t);
    lr = g.addInput("lr", {DType::F32, {}});
    auto fused = [&](std::vector<Node *> in, const char *program) {
      return g.addChecked(OpKind::FusedElementwise, in, attrs({{"program", std::string(program)}}));
    };
    m1 = fused({m, grad}, "t0=mul(i0,i0); t1=add(t0,i1)");
    v1 = fused({v, grad}, "t0=mul(i1,i1); t1=mul(i0,i0); t2=add(t1,t0)");
    p1 = fused({p, m1, v1, lr}, "t0=sqrt(i2); t1=add(t0,i3); t2=div(i1,t1); t3=mul(t2,i3); "
                                "t4=sub(i0,t3)");
  }
};

std::vector<Buffer> inputsFor(const AdamGroup &a) {
  const Shape s = a.p->shape();
  Buffer v = ramp(DType::F32, s, 4);
  for (int64_t i = 0; i < v.numel(); ++i) // sqrt wants v >= 0
    v.data<float>()[i] = std::fabs(v.data<float>()[i]);
  return {ramp(DType::F32, s, 1), ramp(DType::F32, s, 2), ramp(DType::F32, s, 3), v,
          ramp(DType::F32, {}, 5)};
}

bool sameBits(const Buffer &a, const Buffer &b) {
  return a.nbytes() == b.nbytes() && std::memcmp(a.raw(), b.raw(), a.nbytes()) == 0;
}

void checkGroupMatchesSerial(int64_t n) {
  AdamGroup a(n);
  std::vector<Buffer> in = inputsFor(a);
  const std::vector<Buffer> mIn = {in[2], in[1]}, vIn = {in[3], in[1]};
  // One after another.
  Buffer m1 = Buffer::allocate(a.m1->type()), v1 = Buffer::allocate(a.v1->type()),
         p1 = Buffer::allocate(a.p1->type());
  runPureNodeUnchecked(*a.m1, mIn, m1);
  runPureNodeUnchecked(*a.v1, vIn, v1);
  const std::vector<Buffer> pIn = {in[0], m1, v1, in[4]};
  runPureNodeUnchecked(*a.p1, pIn, p1);
  // As a group.
  Buffer gm = Buffer::allocate(a.m1->type()), gv = Buffer::allocate(a.v1->type()),
         gp = Buffer::allocate(a.p1->type());
  const std::vector<Buffer> gpIn = {in[0], gm, gv, in[4]};
  const FusedGroupMember members[] = {{a.m1, mIn, &gm}, {a.v1, vIn, &gv}, {a.p1, gpIn, &gp}};
  runFusedGroup(members);
  EXPECT_TRUE(sameBits(gm, m1));
  EXPECT_TRUE(sameBits(gv, v1));
  EXPECT_TRUE(sameBits(gp, p1));
}

TEST(FusedGroup, MatchesSerialRuns) {
  checkGroupMatchesSerial(40037); // 5 chunks, the last partial, with a tail
  checkGroupMatchesSerial(777);   // less than a chunk
}

TEST(FusedGroup, MatchesSerialRunsOnThreads) {
  const int before = pureThreads();
  setPureThreads(2);
  checkGroupMatchesSerial((int64_t(1) << 19) + 5);
  setPureThreads(before);
}

TEST(FusedGroup, InPlaceUpdatesMatchSerialRuns) {
  // m' written over m, v' over v, p' over p: each reads its own position
  // before writing it, so chunking stays exact.
  AdamGroup a(40037);
  std::vector<Buffer> serial = inputsFor(a), grouped = inputsFor(a);
  auto run = [&](std::vector<Buffer> &b, bool group) {
    const std::vector<Buffer> mIn = {b[2], b[1]}, vIn = {b[3], b[1]}, pIn = {b[0], b[2], b[3], b[4]};
    const FusedGroupMember members[] = {{a.m1, mIn, &b[2]}, {a.v1, vIn, &b[3]}, {a.p1, pIn, &b[0]}};
    if (group)
      return runFusedGroup(members);
    for (const FusedGroupMember &m : members)
      runPureNodeUnchecked(*m.node, m.inputs, *m.out);
  };
  run(serial, false);
  run(grouped, true);
  for (size_t k = 0; k < serial.size(); ++k)
    EXPECT_TRUE(sameBits(grouped[k], serial[k])) << "buffer " << k;
}

TEST(FusedGroup, ShiftedOverlapRunsSerially) {
  // The first node reads m; the last writes p' into the same memory shifted
  // by 1000 elements (an arena block reused once m is dead). Interleaved,
  // the first node would read m values the last had already overwritten.
  const int64_t n = 40037;
  AdamGroup a(n);
  auto arena = std::shared_ptr<float>(new float[n + 1000], std::default_delete<float[]>());
  std::vector<Buffer> in = inputsFor(a);
  const TensorType t = a.m->type();
  auto runWith = [&](bool group) {
    std::memcpy(arena.get(), in[2].raw(), in[2].nbytes());
    Buffer m = Buffer::wrap(t, arena.get(), arena);
    Buffer out = Buffer::wrap(t, arena.get() + 1000, arena);
    Buffer m1 = Buffer::allocate(t), v1 = Buffer::allocate(t);
    const std::vector<Buffer> mIn = {m, in[1]}, vIn = {in[3], in[1]}, pIn = {in[0], m1, v1, in[4]};
    const FusedGroupMember members[] = {{a.m1, mIn, &m1}, {a.v1, vIn, &v1}, {a.p1, pIn, &out}};
    if (group)
      runFusedGroup(members);
    else
      for (const FusedGroupMember &mm : members)
        runPureNodeUnchecked(*mm.node, mm.inputs, *mm.out);
    return std::vector<Buffer>{m1.clone(), out.clone()};
  };
  std::vector<Buffer> want = runWith(false), got = runWith(true);
  EXPECT_TRUE(sameBits(got[0], want[0]));
  EXPECT_TRUE(sameBits(got[1], want[1]));
}

TEST(FusedGroup, OnlyPositionalReadersJoin) {
  AdamGroup a(40037);
  EXPECT_TRUE(fusedGroupable(*a.p1, 40037)); // full-size operands and a scalar
  EXPECT_FALSE(fusedGroupable(*a.p1, 40000)); // another size
  Graph g;
  Node *x = g.addInput("x", {DType::F32, {200, 300}});
  Node *row = g.addInput("row", {DType::F32, {300}});
  Node *f = g.addChecked(OpKind::FusedElementwise, {x, row},
                         attrs({{"program", std::string("t0=add(i0,i1)")}}));
  EXPECT_FALSE(fusedGroupable(*f, 60000)); // a broadcast row is gathered, not positional
  EXPECT_FALSE(fusedGroupable(*x, 60000)); // not a fused loop
}

} // namespace
} // namespace duet
