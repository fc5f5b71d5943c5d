//===- tests/passes/partition_test.cpp - annotate-cost and partition --------===//
#include "ir/error.h"
#include "ir/graph.h"
#include "ir/parser.h"
#include "passes/annotate_cost.h"
#include "passes/cost_profile.h"
#include "passes/partition.h"
#include "passes/pass_manager.h"

#include <gtest/gtest.h>

namespace duet {
namespace {

// x: 32x784 @ 784x256 (result numel 8192, largest operand numel 200704),
// then a big 1024^3 matmul and a small elementwise tail.
const char *kMlp = R"(
graph mlp(%x: f32[32,784], %y: f32[1024,1024]) params(%w1: f32[784,256], %b1: f32[256]) {
  %c = constant() {value=[1.0]} : f32[256]
  %0 = matmul(%x, %w1) : f32[32,256]
  %1 = add(%0, %b1) : f32[32,256]
  %h = relu(%1) : f32[32,256]
  %big = matmul(%y, %y) : f32[1024,1024]
  return %h, %big, %c
}
)";

PartitionOptions options(Mode mode) {
  PartitionOptions o;
  o.mode = mode;
  o.torchSupports = [](const Node &n, std::string *why) {
    if (n.op() == OpKind::Relu) {
      if (why)
        *why = "relu is switched off in this test";
      return false;
    }
    return true;
  };
  return o;
}

std::unique_ptr<Graph> partitioned(const char *text, const PartitionOptions &opts) {
  auto g = parseGraph(text);
  PassManager pm;
  pm.add<AnnotateCostPass>(opts);
  pm.add<PartitionPass>(opts);
  pm.run(*g);
  return g;
}

Node *named(const Graph &g, std::string_view name) {
  Node *n = g.findNamed(name);
  EXPECT_NE(n, nullptr) << name;
  return n;
}

// The i-th anonymous node (as the printer numbers them).
Node *anon(const Graph &g, int i) {
  for (Node *n : g.nodes())
    if (n->name().empty() && i-- == 0)
      return n;
  ADD_FAILURE() << "no anonymous node " << i;
  return nullptr;
}

TEST(AnnotateCost, StoresBothEstimatesAndChangesNothingElse) {
  auto g = parseGraph(kMlp);
  std::string before = g->str();
  AnnotateCostPass pass;
  EXPECT_FALSE(pass.run(*g));
  EXPECT_EQ(g->str(), before);
  CostProfile p = CostProfile::defaults();
  for (const Node *n : g->nodes()) {
    EXPECT_DOUBLE_EQ(n->costPure(), p.estimateNode(*n, Backend::Pure)) << n->opName();
    EXPECT_DOUBLE_EQ(n->costTorch(), p.estimateNode(*n, Backend::Torch)) << n->opName();
  }
  EXPECT_GT(named(*g, "big")->costPure(), 0.01); // 2 GFLOP
  EXPECT_EQ(named(*g, "x")->costPure(), 0.0);
  // Cloning keeps the estimates (and reasons).
  named(*g, "h")->setReason("why not");
  auto copy = g->clone();
  EXPECT_EQ(named(*copy, "big")->costTorch(), named(*g, "big")->costTorch());
  EXPECT_EQ(named(*copy, "h")->reason(), "why not");
}

TEST(AnnotateCost, UsesTheGivenProfile) {
  auto profile = std::make_shared<CostProfile>();
  profile->setOpCost("relu", Backend::Torch, {1.0, 0, 0});
  PartitionOptions opts;
  opts.profile = profile;
  auto g = parseGraph(kMlp);
  AnnotateCostPass(opts).run(*g);
  EXPECT_EQ(named(*g, "h")->costTorch(), 1.0);
  EXPECT_EQ(named(*g, "h")->costPure(), 0.0);
}

TEST(Partition, PureModePutsEverythingOnPure) {
  auto g = partitioned(kMlp, options(Mode::Pure));
  for (const Node *n : g->nodes()) {
    EXPECT_EQ(n->backend(), Backend::Pure);
    EXPECT_EQ(n->region(), -1);
  }
  EXPECT_EQ(named(*g, "big")->reason(), "mode pure");
  EXPECT_EQ(named(*g, "x")->reason(), "source");
}

TEST(Partition, TorchModeUsesTorchWhereverItCan) {
  auto g = partitioned(kMlp, options(Mode::Torch));
  EXPECT_EQ(named(*g, "big")->backend(), Backend::Torch);
  EXPECT_EQ(anon(*g, 0)->backend(), Backend::Torch); // the small matmul too
  EXPECT_EQ(named(*g, "big")->reason(), "mode torch");
  EXPECT_EQ(named(*g, "h")->backend(), Backend::Pure);
  EXPECT_EQ(named(*g, "h")->reason(), "torch cannot run it: relu is switched off in this test");
  for (const char *src : {"x", "y", "w1", "b1", "c"})
    EXPECT_EQ(named(*g, src)->backend(), Backend::Pure) << src;
}

TEST(Partition, WithoutTorchEverythingIsPure) {
  PartitionOptions opts;
  opts.mode = Mode::Torch; // torchSupports is null: no torch backend
  auto g = partitioned(kMlp, opts);
  EXPECT_EQ(named(*g, "big")->backend(), Backend::Pure);
  EXPECT_EQ(named(*g, "big")->reason(), "torch backend absent");
}

TEST(Partition, AutoModeFollowsTheEstimates) {
  auto g = partitioned(kMlp, options(Mode::Auto));
  Node *big = named(*g, "big");
  EXPECT_EQ(big->backend(), Backend::Torch);
  EXPECT_LT(big->costTorch(), big->costPure());
  EXPECT_EQ(big->reason(), "estimate torch " + formatSeconds(big->costTorch()) + " < pure " +
                               formatSeconds(big->costPure()));
  Node *add = anon(*g, 1);
  EXPECT_EQ(add->backend(), Backend::Pure);
  EXPECT_EQ(add->reason(), "estimate pure " + formatSeconds(add->costPure()) + " <= torch " +
                               formatSeconds(add->costTorch()));
  EXPECT_EQ(named(*g, "h")->backend(), Backend::Pure); // unsupported wins over estimates
}

TEST(Partition, AutoModeEstimatesItselfWhenNotAnnotated) {
  auto g = parseGraph(kMlp);
  PartitionPass(options(Mode::Auto)).run(*g);
  EXPECT_EQ(named(*g, "big")->backend(), Backend::Torch);
  EXPECT_EQ(anon(*g, 1)->backend(), Backend::Pure);
}

TEST(Partition, ThresholdsOverrideTheEstimates) {
  PartitionOptions opts = options(Mode::Auto);
  opts.thresholds["matmul"] = 200704; // the small matmul's largest operand numel
  opts.thresholds["add"] = 8192;      // the add's result numel
  auto g = partitioned(kMlp, opts);
  Node *small = anon(*g, 0);
  EXPECT_EQ(small->backend(), Backend::Torch); // the estimate says pure
  EXPECT_GT(small->costTorch(), small->costPure());
  EXPECT_EQ(small->reason(), "threshold matmul=200704 (numel 200704 ≥ threshold)");
  EXPECT_EQ(anon(*g, 1)->backend(), Backend::Torch);
  opts.thresholds["matmul"] = 2e6; // above 1024*1024: the big one stays pure
  g = partitioned(kMlp, opts);
  EXPECT_EQ(named(*g, "big")->backend(), Backend::Pure);
  EXPECT_EQ(named(*g, "big")->reason(), "threshold matmul=2000000 (numel 1048576 < threshold)");
  EXPECT_EQ(anon(*g, 0)->backend(), Backend::Pure);
}

TEST(Partition, OptionThresholdsOverrideProfileThresholds) {
  auto profile = std::make_shared<CostProfile>(CostProfile::defaults());
  profile->setThreshold("matmul", 1e6);
  PartitionOptions opts = options(Mode::Auto);
  opts.profile = profile;
  auto g = partitioned(kMlp, opts);
  EXPECT_EQ(named(*g, "big")->backend(), Backend::Torch);
  EXPECT_EQ(named(*g, "big")->reason(), "threshold matmul=1000000 (numel 1048576 ≥ threshold)");
  opts.thresholds["matmul"] = 1e7;
  g = partitioned(kMlp, opts);
  EXPECT_EQ(named(*g, "big")->backend(), Backend::Pure);
}

TEST(Partition, ReportsChangesHonestlyAndResetsRegions) {
  auto g = parseGraph(kMlp);
  PartitionPass pass(options(Mode::Torch));
  EXPECT_TRUE(pass.run(*g));
  EXPECT_FALSE(pass.run(*g));
  named(*g, "big")->setRegion(3);
  EXPECT_TRUE(pass.run(*g));
  EXPECT_EQ(named(*g, "big")->region(), -1);
}

TEST(Partition, RefusesConversionNodes) {
  auto g = parseGraph(R"(
graph g(%x: f32[4]) {
  %t = to_torch(%x) : f32[4]
  return %t
}
)");
  try {
    PartitionPass().run(*g);
    FAIL();
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("%t (to_torch) is a conversion node"), std::string::npos)
        << e.what();
  }
}

TEST(Partition, NamedPassIsAutoWithTorchForEveryOp) {
  auto g = parseGraph(kMlp);
  PassManager pm;
  addPipeline(pm, "annotate-cost,partition");
  pm.run(*g);
  EXPECT_EQ(named(*g, "big")->backend(), Backend::Torch);
  EXPECT_EQ(named(*g, "h")->backend(), Backend::Pure); // cheaper on pure, not unsupported
  EXPECT_EQ(named(*g, "h")->reason().rfind("estimate pure", 0), 0u);
}

} // namespace
} // namespace duet
