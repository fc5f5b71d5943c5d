//===- tests/runtime/memory_plan_test.cpp - planned runs equal unplanned ones -===//
//
// The memory planner reuses arena offsets and runs elementwise nodes in
// place; the reference evaluates the same graph node by node into fresh
// buffers (evalPureNode, no plan), so any buffer overwritten while still
// needed shows up as a wrong value. Random graphs mix shapes (so offsets get
// reused), multi-use values, outputs read by later nodes, duplicate outputs
// and an input returned as is; with torch, auto mode with forced torch
// regions (whose results may alias their inputs) runs the same check.
//
#include "backends/pure/interpreter.h"
#include "backends/runtime/compile.h"
#include "backends/runtime/executor.h"
#include "backends/runtime/memory_plan.h"
#include "backends/torch_backend.h"
#include "ir/graph.h"
#include "test_util.h"

#include <map>
#include <random>

namespace duet {
namespace {

/// Seeded random graph over f32[4,8] / f32[8] / f32[] values.
std::unique_ptr<Graph> randomPlanGraph(uint32_t seed) {
  std::mt19937 rng(seed);
  auto uniform = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  auto g = std::make_unique<Graph>("plan" + std::to_string(seed));
  std::vector<Node *> values{g->addInput("x", {DType::F32, {4, 8}}),
                             g->addInput("y", {DType::F32, {8}}),
                             g->addParam("w", {DType::F32, {4, 8}})};
  const OpKind unary[] = {OpKind::Relu, OpKind::Neg, OpKind::Tanh, OpKind::Abs, OpKind::Sigmoid};
  const OpKind binary[] = {OpKind::Add, OpKind::Mul, OpKind::Sub, OpKind::Maximum};
  auto recent = [&] {
    return values[values.size() - 1 - uniform(std::min<size_t>(values.size(), 4))];
  };
  auto any = [&] { return values[uniform(values.size())]; };
  const int nodes = 8 + static_cast<int>(uniform(16));
  for (int i = 0; i < nodes; ++i) {
    Node *a = uniform(4) == 0 ? any() : recent();
    Node *n = nullptr;
    switch (uniform(6)) {
    case 0:
    case 1: n = g->addChecked(unary[uniform(5)], {a}); break;
    case 2:
    case 3: {
      Node *b = uniform(3) == 0 ? a : any(); // sometimes x op x
      // Broadcasting only works one way round for [8] op [4,8]: keep the order valid.
      n = g->addChecked(binary[uniform(4)], {a, b});
      break;
    }
    case 4: { // a reduction: a smaller value, so offsets get reused
      Attributes at;
      at.set("axes", std::vector<int64_t>{0});
      n = a->type().rank() == 2 ? g->addChecked(OpKind::Sum, {a}, at)
                                : g->addChecked(OpKind::Exp, {a});
      break;
    }
    default: { // reshape round trip (torch returns views for these)
      Attributes at;
      at.set("shape", std::vector<int64_t>{a->type().numel()});
      Node *flat = g->addChecked(OpKind::Reshape, {a}, at);
      Attributes back;
      back.set("shape", a->type().shape);
      n = g->addChecked(OpKind::Reshape, {flat}, back);
      break;
    }
    }
    values.push_back(n);
  }
  // Outputs: the dead ends, one value that later nodes also read, maybe
  // twice, and sometimes the input itself.
  for (Node *n : g->nodes())
    if (n->users().empty() && !n->isSource())
      g->addOutput(n);
  Node *middle = values[3 + uniform(values.size() - 3)];
  g->addOutput(middle);
  if (uniform(2))
    g->addOutput(middle);
  if (uniform(3) == 0)
    g->addOutput(values[0]);
  return g;
}

Buffer randomBuffer(const TensorType &t, std::mt19937 &rng) {
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  Buffer b = Buffer::allocate(t);
  for (int64_t i = 0; i < b.numel(); ++i)
    b.data<float>()[i] = u(rng);
  return b;
}

/// Node-by-node evaluation into fresh buffers: the unplanned reference.
std::vector<Buffer> reference(const Graph &g, const std::vector<Buffer> &inputs,
                              const ParamStore &params) {
  std::map<const Node *, Buffer> v;
  for (size_t i = 0; i < g.inputs().size(); ++i)
    v[g.inputs()[i]] = inputs[i];
  for (const Node *p : g.params())
    v[p] = params.at(p->name());
  for (const Node *n : g.nodes()) {
    if (n->isSource() && n->op() != OpKind::Constant)
      continue;
    std::vector<Buffer> ins;
    for (const Node *in : n->inputs())
      ins.push_back(v.at(in));
    v[n] = evalPureNode(*n, ins);
  }
  std::vector<Buffer> out;
  for (const Node *o : g.outputs())
    out.push_back(v.at(o));
  return out;
}

void expectSame(const std::vector<Buffer> &got, const std::vector<Buffer> &want,
                const std::string &what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(got[i].type(), want[i].type()) << what << " output " << i;
    std::vector<double> a = got[i].toDoubles(), b = want[i].toDoubles();
    for (size_t k = 0; k < a.size(); ++k)
      ASSERT_NEAR(a[k], b[k], 1e-5 * (1 + std::abs(b[k])))
          << what << " output " << i << " element " << k;
  }
}

/// Runs `plan` three times with fresh data through both run() forms,
/// against the reference; returns how many torch regions the last run ran.
int64_t checkAgainstReference(Plan &plan, const Graph &g, uint32_t seed, const std::string &what) {
  std::mt19937 rng(seed * 7 + 1);
  ParamStore params{{"w", randomBuffer({DType::F32, {4, 8}}, rng)}};
  std::vector<Buffer> outs;
  for (const Node *o : g.outputs())
    outs.push_back(Buffer::allocate(o->type()));
  for (int round = 0; round < 3; ++round) {
    std::vector<Buffer> in{randomBuffer({DType::F32, {4, 8}}, rng),
                           randomBuffer({DType::F32, {8}}, rng)};
    const std::vector<Buffer> want = reference(g, in, params);
    expectSame(plan.run(in, params), want, what + " run() round " + std::to_string(round));
    plan.run(in, params, outs);
    expectSame(outs, want, what + " run(outputs) round " + std::to_string(round));
  }
  return plan.stats().regions;
}

TEST(MemoryPlan, RandomGraphsMatchUnplannedEvaluationInPureMode) {
  int64_t inPlace = 0, inPlaceFused = 0, reused = 0;
  for (uint32_t seed = 1; seed <= 60; ++seed) {
    auto g = randomPlanGraph(seed);
    for (bool fuse : {false, true}) {
      CompileOptions opts;
      opts.mode = Mode::Pure;
      opts.partition.fuseElementwise = fuse;
      auto plan = compile(*g, opts);
      checkAgainstReference(*plan, *g, seed,
                            "seed " + std::to_string(seed) + (fuse ? " fused" : ""));
      if (::testing::Test::HasFatalFailure())
        return;
      const MemoryPlan &m = dynamic_cast<const Executor &>(*plan).memoryPlan();
      (fuse ? inPlaceFused : inPlace) += m.inPlaceSteps;
      reused += !fuse && m.arenaBytes < m.unplannedBytes;
    }
  }
  // The properties were exercised, not vacuously true.
  EXPECT_GT(inPlace, 10);
  EXPECT_GT(inPlaceFused, 3);
  EXPECT_GT(reused, 10);
}

TEST(MemoryPlan, RandomGraphsMatchInAutoModeWithTorchRegions) {
  if (!torchBackend())
    GTEST_SKIP() << "built without LibTorch";
  int64_t regions = 0;
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    auto g = randomPlanGraph(seed);
    CompileOptions opts;
    opts.mode = Mode::Auto;
    // Force some ops onto torch, so regions sit between planned pure values.
    opts.partition.thresholds = {{"add", 0}, {"reshape", 0}, {"tanh", 0}};
    opts.partition.minRegionSavingFraction = -1e9;
    opts.partition.minRegionSeconds = -1e9;
    opts.strict = true;
    auto plan = compile(*g, opts);
    regions += checkAgainstReference(*plan, *g, seed, "auto seed " + std::to_string(seed));
    if (::testing::Test::HasFatalFailure())
      return;
    opts.mode = Mode::Torch;
    auto torchPlan = compile(*g, opts);
    checkAgainstReference(*torchPlan, *g, seed, "torch seed " + std::to_string(seed));
    if (::testing::Test::HasFatalFailure())
      return;
  }
  EXPECT_GT(regions, 10);
}

/// x -> a = exp(x) -> b = neg(a) -> c = relu(b) -> d = sum(c) : each
/// elementwise value dies at its user, so the chain runs in one buffer.
TEST(MemoryPlan, ElementwiseChainRunsInPlace) {
  auto g = std::make_unique<Graph>("chain");
  Node *x = g->addInput("x", {DType::F32, {16}});
  Node *a = g->addChecked(OpKind::Exp, {x});
  Node *b = g->addChecked(OpKind::Neg, {a});
  Node *c = g->addChecked(OpKind::Relu, {b});
  Attributes all;
  all.set("axes", std::vector<int64_t>{});
  Node *d = g->addChecked(OpKind::Sum, {c}, all);
  g->setOutputs({d});
  CompileOptions opts;
  opts.mode = Mode::Pure;
  opts.partition.fuseElementwise = false; // three separate nodes to plan
  opts.pipeline = "verify,infer-shapes";
  auto plan = compile(*g, opts);
  const MemoryPlan &m = dynamic_cast<const Executor &>(*plan).memoryPlan();
  EXPECT_EQ(m.inPlaceSteps, 2);
  EXPECT_EQ(m.arenaBytes, 64); // one 64-byte block for a, b and c
  EXPECT_EQ(m.unplannedBytes, 3 * 64);
  // The output is the caller's, never in the arena.
  EXPECT_EQ(m.storage[plan->graph().nodes().size() - 1], SlotStorage::Output);
  std::mt19937 rng(5);
  Buffer in = randomBuffer(x->type(), rng);
  std::vector<Buffer> ins{in};
  double want = 0;
  for (int64_t i = 0; i < 16; ++i)
    want += std::max(0.0, -std::exp(static_cast<double>(in.data<float>()[i])));
  EXPECT_NEAR(plan->run(ins, {})[0].at(0), want, 1e-5);
  EXPECT_NE(plan->compileReport().find("memory-plan"), std::string::npos);
}

/// a = neg(x) [pure]; r = reshape(reshape(a)) [torch region 0: r is a view
/// of a's bytes]; b = exp(x) [pure]; c = add(r, b). a dies at the region on
/// paper, but r still points into it: b must not get a's offset.
TEST(MemoryPlan, TorchViewsKeepTheirInputsBufferAlive) {
  if (!torchBackend())
    GTEST_SKIP() << "built without LibTorch";
  auto g = std::make_unique<Graph>("view");
  Node *x = g->addInput("x", {DType::F32, {4, 8}});
  Node *a = g->addChecked(OpKind::Neg, {x});
  Attributes flat, back;
  flat.set("shape", std::vector<int64_t>{32});
  back.set("shape", std::vector<int64_t>{4, 8});
  Node *r1 = g->addChecked(OpKind::Reshape, {a}, flat);
  Node *r = g->addChecked(OpKind::Reshape, {r1}, back);
  Node *b = g->addChecked(OpKind::Exp, {x});
  Node *c = g->addChecked(OpKind::Add, {r, b});
  for (Node *n : {a, b, c})
    n->setBackend(Backend::Pure);
  for (Node *n : {r1, r}) {
    n->setBackend(Backend::Torch);
    n->setRegion(0);
  }
  // r is returned too: a (which r may view) must not be in the arena, or
  // the next run would change the first run's result behind its back.
  g->setOutputs({c, r});
  CompileOptions opts;
  opts.strict = true;
  auto exec = buildExecutor(g->clone(), opts, {});
  std::mt19937 rng(3);
  std::vector<Buffer> in1{randomBuffer(x->type(), rng)}, in2{randomBuffer(x->type(), rng)};
  std::vector<Buffer> want1 = reference(*g, in1, {}), want2 = reference(*g, in2, {});
  std::vector<Buffer> first = exec->run(in1, {});
  expectSame(first, want1, "first run");
  EXPECT_EQ(exec->stats().regions, 1);
  expectSame(exec->run(in2, {}), want2, "second run");
  expectSame(first, want1, "first run's outputs after the second run");
}

TEST(MemoryPlan, ReturnedBuffersSurviveTheNextRun) {
  auto g = std::make_unique<Graph>("keep");
  Node *x = g->addInput("x", {DType::F32, {8}});
  Node *a = g->addChecked(OpKind::Neg, {x});
  Node *b = g->addChecked(OpKind::Exp, {a});
  g->setOutputs({a, b});
  CompileOptions opts;
  opts.mode = Mode::Pure;
  auto plan = compile(*g, opts);
  std::vector<Buffer> in1{Buffer::full(x->type(), 1.0)}, in2{Buffer::full(x->type(), 2.0)};
  std::vector<Buffer> first = plan->run(in1, {});
  std::vector<Buffer> second = plan->run(in2, {});
  EXPECT_EQ(first[0].at(3), -1.0);
  EXPECT_NEAR(first[1].at(3), std::exp(-1.0), 1e-6);
  EXPECT_EQ(second[0].at(3), -2.0);
}

TEST(MemoryPlan, WrongOutputBuffersAreErrors) {
  auto g = std::make_unique<Graph>("out");
  Node *x = g->addInput("x", {DType::F32, {8}});
  g->setOutputs({g->addChecked(OpKind::Neg, {x})});
  CompileOptions opts;
  opts.mode = Mode::Pure;
  auto plan = compile(*g, opts);
  std::vector<Buffer> in{Buffer::full(x->type(), 1.0)};
  std::vector<Buffer> none;
  EXPECT_NE(
      test::errorOf([&] { plan->run(in, {}, none); }).find("has 1 output, got 0 output buffers"),
      std::string::npos);
  std::vector<Buffer> wrong{Buffer::allocate({DType::F32, {4}})};
  EXPECT_NE(test::errorOf([&] {
              plan->run(in, {}, wrong);
            }).find("output buffer #0: expected f32[8], got f32[4]"),
            std::string::npos);
}

} // namespace
} // namespace duet
