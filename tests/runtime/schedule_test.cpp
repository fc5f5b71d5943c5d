//===- tests/runtime/schedule_test.cpp - steps, regions and fallback ------===//
//
// Builds executors directly from hand-annotated graphs, so region scheduling
// and the fallback path are tested in every build: without LibTorch a torch
// region fails (no backend) and falls back; with it, failure injection makes
// it fail.
//
#include "backends/runtime/executor.h"
#include "ir/error.h"
#include "test_util.h"

namespace duet {
namespace {

using test::errorOf;

/// Makes every torch region run fail, in any build; restores on exit.
class ForceTorchFailure {
public:
  ForceTorchFailure() { setTorchFailureInjection(1.0, 7); }
  ~ForceTorchFailure() { setTorchFailureInjection(0.0, 0); }
};

/// x -> a = relu(x) [torch r0]; b = neg(x) [pure]; c = add(a, b) [torch r0].
/// Region 0 starts before b but reads it: it must run after b.
std::unique_ptr<Graph> deferredRegionGraph() {
  auto g = std::make_unique<Graph>("deferred");
  Node *x = g->addInput("x", {DType::F32, {2, 2}});
  Node *a = g->addChecked(OpKind::Relu, {x});
  Node *b = g->addChecked(OpKind::Neg, {x});
  Node *c = g->addChecked(OpKind::Add, {a, b});
  for (Node *n : {a, c}) {
    n->setBackend(Backend::Torch);
    n->setRegion(0);
  }
  b->setBackend(Backend::Pure);
  g->setOutputs({c, a});
  return g;
}

std::shared_ptr<Executor> build(std::unique_ptr<Graph> g, bool strict = false) {
  CompileOptions opts;
  opts.mode = Mode::Pure; // the mode does not matter to the scheduler
  opts.strict = strict;
  return buildExecutor(std::move(g), opts, {});
}

TEST(Schedule, RegionRunsAfterItsLastExternalProducer) {
  auto exec = build(deferredRegionGraph());
  ASSERT_EQ(exec->steps().size(), 2u);
  EXPECT_EQ(exec->steps()[0].region, -1);
  EXPECT_EQ(exec->steps()[0].pure.node->op(), OpKind::Neg);
  EXPECT_EQ(exec->steps()[1].region, 0);
  const RegionStep &r = exec->regions()[0];
  EXPECT_EQ(r.id, 0);
  ASSERT_EQ(r.region.nodes.size(), 2u);
  EXPECT_EQ(r.region.nodes[0]->op(), OpKind::Relu);
  EXPECT_EQ(r.region.nodes[1]->op(), OpKind::Add);
  // External inputs: x (read by relu), then b (read by add).
  ASSERT_EQ(r.region.inputs.size(), 2u);
  EXPECT_EQ(r.region.inputs[0]->op(), OpKind::Input);
  EXPECT_EQ(r.region.inputs[1]->op(), OpKind::Neg);
  // Outputs: a (a graph output) and c (a graph output), in region order.
  ASSERT_EQ(r.region.outputs.size(), 2u);
  EXPECT_EQ(r.region.outputs[0]->op(), OpKind::Relu);
  EXPECT_EQ(r.region.outputs[1]->op(), OpKind::Add);
  EXPECT_EQ(r.computeNodes, 2);
  EXPECT_EQ(exec->stats().steps[1].label, "region 0 (2 nodes)");
}

TEST(Schedule, RegionInTheMiddleOfAChainKeepsItsPlace) {
  // x -> p = neg [pure] -> t1 = exp [torch] -> t2 = relu [torch, region -1] -> q = abs [pure]
  auto g = std::make_unique<Graph>("chain");
  Node *x = g->addInput("x", {DType::F32, {3}});
  Node *p = g->addChecked(OpKind::Neg, {x});
  Node *t1 = g->addChecked(OpKind::Exp, {p});
  Node *t2 = g->addChecked(OpKind::Relu, {t1});
  Node *q = g->addChecked(OpKind::Abs, {t2});
  t1->setBackend(Backend::Torch);
  t1->setRegion(4);
  t2->setBackend(Backend::Torch); // region -1: a region of its own
  g->setOutputs({q});
  auto exec = build(std::move(g));
  ASSERT_EQ(exec->steps().size(), 4u);
  EXPECT_EQ(exec->steps()[0].pure.node->op(), OpKind::Neg);
  EXPECT_EQ(exec->regions()[exec->steps()[1].region].id, 4);
  EXPECT_EQ(exec->regions()[exec->steps()[2].region].id, 5); // synthetic, after the largest
  EXPECT_EQ(exec->steps()[3].pure.node->op(), OpKind::Abs);
  // t1's value is only read by t2's region: an output of region 4.
  EXPECT_EQ(exec->regions()[0].region.outputs.size(), 1u);
}

TEST(Schedule, CyclicRegionIsAnInternalError) {
  // a [torch r0] -> b [pure] -> c [torch r0], and c reads a: a cycle
  // between region 0 and b.
  auto g = std::make_unique<Graph>("cycle");
  Node *x = g->addInput("x", {DType::F32, {2}});
  Node *a = g->addChecked(OpKind::Relu, {x});
  Node *b = g->addChecked(OpKind::Neg, {a});
  Node *c = g->addChecked(OpKind::Add, {a, b});
  for (Node *n : {a, c}) {
    n->setBackend(Backend::Torch);
    n->setRegion(0);
  }
  g->setOutputs({c});
  EXPECT_EQ(errorOf([&] { build(std::move(g)); }),
            "internal error: torch region 0 cannot be scheduled: it both feeds and depends on "
            "nodes outside it (a cycle through %0)");
}

TEST(Fallback, FailedRegionRerunsOnPureWithOneWarning) {
  ForceTorchFailure force;
  auto exec = build(deferredRegionGraph());
  Buffer x = Buffer::fromVector<float>({2, 2}, {1, -2, 3, -4});
  testing::internal::CaptureStderr();
  std::vector<Buffer> out = exec->run(std::span<const Buffer>(&x, 1), {});
  std::string firstErr = testing::internal::GetCapturedStderr();
  // c = relu(x) + (-x), a = relu(x)
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].toDoubles(), (std::vector<double>{0, 2, 0, 4}));
  EXPECT_EQ(out[1].toDoubles(), (std::vector<double>{1, 0, 3, 0}));
  EXPECT_EQ(firstErr.rfind("duet: warning: torch region 0 failed (", 0), 0u) << firstErr;
  EXPECT_NE(firstErr.find("); running it on the pure interpreter (further fallbacks are "
                          "counted in --stats)\n"),
            std::string::npos)
      << firstErr;
  EXPECT_EQ(exec->stats().fallbacks, 1);
  EXPECT_EQ(exec->stats().pureNodes, 3);
  EXPECT_EQ(exec->stats().torchNodes, 0);
  EXPECT_EQ(exec->stats().regions, 1);
  EXPECT_EQ(exec->stats().steps[1].backend, "pure (fallback)");

  testing::internal::CaptureStderr();
  out = exec->run(std::span<const Buffer>(&x, 1), {});
  EXPECT_EQ(testing::internal::GetCapturedStderr(), ""); // warned once per plan
  EXPECT_EQ(out[0].toDoubles(), (std::vector<double>{0, 2, 0, 4}));
  EXPECT_EQ(exec->stats().fallbacks, 2); // cumulative
}

TEST(Fallback, StrictModeMakesItAnError) {
  ForceTorchFailure force;
  auto exec = build(deferredRegionGraph(), /*strict=*/true);
  Buffer x = Buffer::fromVector<float>({2, 2}, {1, -2, 3, -4});
  std::string err = errorOf([&] { exec->run(std::span<const Buffer>(&x, 1), {}); });
  EXPECT_EQ(err.rfind("torch region 0 failed (strict mode): ", 0), 0u) << err;
  EXPECT_GT(err.size(), std::string("torch region 0 failed (strict mode): ").size());
  EXPECT_EQ(exec->stats().fallbacks, 0);
}

TEST(Schedule, ConversionsOutsideRegionsAreAliases) {
  auto g = std::make_unique<Graph>("conv");
  Node *x = g->addInput("x", {DType::F32, {2}});
  Node *t = g->addChecked(OpKind::ToTorch, {x});
  Node *f = g->addChecked(OpKind::FromTorch, {t});
  f->setBackend(Backend::Pure);
  g->setOutputs({f});
  auto exec = build(std::move(g));
  ASSERT_EQ(exec->steps().size(), 2u);
  EXPECT_TRUE(exec->steps()[0].pure.alias);
  Buffer in = Buffer::fromVector<float>({2}, {5, 6});
  std::vector<Buffer> out = exec->run(std::span<const Buffer>(&in, 1), {});
  EXPECT_EQ(out[0].raw(), in.raw()); // no copy
  EXPECT_EQ(exec->stats().pureNodes, 0);
}

TEST(Schedule, DeadValuesAreReleasedAfterTheirLastUse) {
  auto g = std::make_unique<Graph>("live");
  Node *x = g->addInput("x", {DType::F32, {2}});
  Node *a = g->addChecked(OpKind::Exp, {x});
  Node *b = g->addChecked(OpKind::Neg, {a});
  Node *c = g->addChecked(OpKind::Abs, {b});
  g->setOutputs({c});
  auto exec = build(std::move(g));
  // Slots are positions: x=0, a=1, b=2, c=3. a dies after step 1, b after
  // step 2; c is returned and never released.
  ASSERT_EQ(exec->steps().size(), 3u);
  EXPECT_EQ(exec->steps()[0].release, (std::vector<int>{0}));
  EXPECT_EQ(exec->steps()[1].release, (std::vector<int>{1}));
  EXPECT_EQ(exec->steps()[2].release, (std::vector<int>{2}));
}

} // namespace
} // namespace duet
