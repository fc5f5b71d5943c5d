//===- tests/tools/dump_estimate_test.cpp - passes/plan_estimate ----------===//
#include "dump_test_util.h"

#include "ir/graph.h"
#include "ir/parser.h"
#include "passes/cost_profile.h"
#include "passes/pass_manager.h"
#include "passes/plan_estimate.h"

#include <gtest/gtest.h>

namespace duet {
namespace {

PartitionOptions flatOptions(Mode mode = Mode::Auto) {
  PartitionOptions opts;
  opts.mode = mode;
  opts.profile = std::make_shared<const CostProfile>(
      CostProfile::fromJson(dumptest::flatProfile(1e-3, 1e-4), "flat"));
  opts.torchSupports = [](const Node &, std::string *) { return true; };
  opts.fuseElementwise = false; // the hand-computed figures count nodes one by one
  return opts;
}

std::unique_ptr<Graph> mlp() { return parseGraphFile(dumptest::example("mlp.duet")); }

TEST(PlanEstimate, ComparesTheChosenPlanWithSingleBackendPlans) {
  PlanComparison c = comparePlans(*mlp(), flatOptions());
  EXPECT_EQ(c.chosen.pureNodes, 3);
  EXPECT_EQ(c.chosen.torchNodes, 2);
  EXPECT_EQ(c.chosen.regions, 2);
  EXPECT_EQ(c.chosen.conversions, 6);
  EXPECT_EQ(c.chosen.convertedBytes,
            (32 * 784 + 784 * 256 + 32 * 256 + 32 * 256 + 256 * 10 + 32 * 10) * 4);
  EXPECT_NEAR(c.chosen.pureSeconds, 3e-6, 1e-15);
  EXPECT_NEAR(c.chosen.torchSeconds, 2e-4, 1e-15);
  EXPECT_NEAR(c.chosen.launchSeconds, 2e-6, 1e-15);
  EXPECT_NEAR(c.chosen.conversionSeconds, 6e-6, 1e-15);
  EXPECT_NEAR(c.chosen.totalSeconds(), 211e-6, 1e-15);
  EXPECT_NEAR(c.allPure.totalSeconds(), 2.003e-3, 1e-15);
  EXPECT_EQ(c.allPure.conversions, 0);
  ASSERT_TRUE(c.allTorch.has_value());
  EXPECT_EQ(c.allTorch->torchNodes, 5);
  EXPECT_EQ(c.allTorch->regions, 1);
  EXPECT_NEAR(c.allTorch->totalSeconds(), 3.000207, 1e-12);

  PartitionOptions noTorch = flatOptions();
  noTorch.torchSupports = nullptr;
  EXPECT_FALSE(comparePlans(*mlp(), noTorch).allTorch.has_value());
}

TEST(PlanEstimate, ImpliedConversionsMatchTheInsertedOnes) {
  PartitionOptions opts = flatOptions();
  std::unique_ptr<Graph> g = mlp();
  PassManager pm;
  for (const std::string &name : planPassNames())
    if (name != "insert-conversions")
      pm.add(createPlanPass(name, opts));
  pm.run(*g);
  PlanEstimate implied = estimatePlan(*g, *opts.profile);
  PlanEstimate inserted = estimatePlan(*partitionedCopy(*mlp(), opts), *opts.profile);
  EXPECT_EQ(implied.conversions, inserted.conversions);
  EXPECT_EQ(implied.convertedBytes, inserted.convertedBytes);
  EXPECT_EQ(implied.regions, inserted.regions);
  EXPECT_DOUBLE_EQ(implied.totalSeconds(), inserted.totalSeconds());
}

TEST(PlanEstimate, StrippingConversionsRestoresTheGraph) {
  PartitionOptions opts = flatOptions();
  std::unique_ptr<Graph> partitioned = partitionedCopy(*mlp(), opts);
  EXPECT_EQ(partitioned->size(), 16u);
  std::unique_ptr<Graph> copy = partitioned->clone();
  EXPECT_TRUE(stripConversions(*copy));
  EXPECT_EQ(copy->size(), 10u);
  EXPECT_FALSE(stripConversions(*copy));
  for (const Node *n : copy->nodes())
    for (const Node *in : n->inputs())
      EXPECT_NE(in->info().category, OpCategory::Conversion);
  // Partitioning a partitioned graph again gives the same plan.
  std::unique_ptr<Graph> again = partitionedCopy(*partitioned, opts);
  EXPECT_EQ(again->str(), partitioned->str());
}

TEST(PlanEstimate, PlanPassesAreThePipelineThenPartitioning) {
  std::vector<std::string> names = planPassNames("dce, cse");
  EXPECT_EQ(names,
            (std::vector<std::string>{"dce", "cse", "annotate-cost", "partition", "merge-regions",
                                      "insert-conversions", "fuse-elementwise"}));
  EXPECT_EQ(planPassNames().front(), "verify");
}

} // namespace
} // namespace duet
