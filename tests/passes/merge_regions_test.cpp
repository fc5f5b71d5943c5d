//===- tests/passes/merge_regions_test.cpp - region merging -----------------===//
#include "ir/error.h"
#include "ir/graph.h"
#include "ir/parser.h"
#include "passes/cost_profile.h"
#include "passes/merge_regions.h"
#include "passes/partition.h"
#include "random_dag.h"
#include "region_checks.h"

#include <gtest/gtest.h>

#include <chrono>

namespace duet {
namespace {

PartitionOptions structural() {
  PartitionOptions o;
  o.mode = Mode::Torch; // merge only, no cost-driven adjustments
  o.torchSupports = [](const Node &, std::string *) { return true; };
  return o;
}

std::unique_ptr<Graph> merged(const char *text, const PartitionOptions &opts = structural()) {
  auto g = parseGraph(text);
  MergeRegionsPass(opts).run(*g);
  return g;
}

int regionOf(const Graph &g, std::string_view name) {
  Node *n = g.findNamed(name);
  EXPECT_NE(n, nullptr) << name;
  return n ? n->region() : -99;
}

std::string allChecks(const Graph &g) {
  for (const std::string &s : {test::checkRegionIds(g), test::checkRegionGraphAcyclic(g),
                               test::checkRegionsConnected(g), test::checkMaximal(g)})
    if (!s.empty())
      return s;
  return "";
}

TEST(MergeRegions, ChainOfTorchOpsIsOneRegion) {
  auto g = merged(R"(
graph g(%x: f32[4]) {
  %a = relu(%x) : f32[4] @torch
  %b = neg(%a) : f32[4] @torch
  %c = exp(%b) : f32[4] @torch
  %d = add(%c, %a) : f32[4] @torch
  return %d
}
)");
  for (const char *n : {"a", "b", "c", "d"})
    EXPECT_EQ(regionOf(*g, n), 0) << n;
  EXPECT_EQ(regionOf(*g, "x"), -1);
}

TEST(MergeRegions, PureNodeBetweenDependentTorchNodesSplitsThem) {
  // a -> p -> b and a -> b: one region {a, b} would need p both before and
  // after it.
  auto g = merged(R"(
graph g(%x: f32[4]) {
  %a = relu(%x) : f32[4] @torch
  %p = neg(%a) : f32[4] @pure
  %b = add(%a, %p) : f32[4] @torch
  return %b
}
)");
  EXPECT_EQ(regionOf(*g, "a"), 0);
  EXPECT_EQ(regionOf(*g, "p"), -1);
  EXPECT_EQ(regionOf(*g, "b"), 1);
  EXPECT_EQ(allChecks(*g), "");
}

TEST(MergeRegions, IndependentPureNodeDoesNotSplit) {
  // p feeds b but does not depend on a: {a, b} is fine, and so is joining
  // the parallel producer c.
  auto g = merged(R"(
graph g(%x: f32[4], %y: f32[4]) {
  %a = relu(%x) : f32[4] @torch
  %p = neg(%y) : f32[4] @pure
  %c = exp(%y) : f32[4] @torch
  %b = add(%a, %p) : f32[4] @torch
  %e = mul(%b, %c) : f32[4] @torch
  return %e
}
)");
  for (const char *n : {"a", "b", "c", "e"})
    EXPECT_EQ(regionOf(*g, n), 0) << n;
  EXPECT_EQ(allChecks(*g), "");
}

TEST(MergeRegions, TorchDetourMergesWhateverTheEdgeOrder) {
  // b's first operand is a (direct), its second the torch detour t: the
  // direct edge is refused until t has joined, then retried.
  auto g = merged(R"(
graph g(%x: f32[4]) {
  %a = relu(%x) : f32[4] @torch
  %t = neg(%a) : f32[4] @torch
  %b = add(%a, %t) : f32[4] @torch
  return %b
}
)");
  for (const char *n : {"a", "t", "b"})
    EXPECT_EQ(regionOf(*g, n), 0) << n;
}

TEST(MergeRegions, RegionIdsFollowFirstNodes) {
  auto g = merged(R"(
graph g(%x: f32[4], %y: f32[4]) {
  %a = relu(%x) : f32[4] @torch
  %p = neg(%a) : f32[4] @pure
  %b = exp(%p) : f32[4] @torch
  %c = exp(%y) : f32[4] @torch
  %q = neg(%c) : f32[4] @pure
  %d = tanh(%a) : f32[4] @torch
  return %b, %q, %d
}
)");
  EXPECT_EQ(regionOf(*g, "a"), 0);
  EXPECT_EQ(regionOf(*g, "d"), 0);
  EXPECT_EQ(regionOf(*g, "b"), 1);
  EXPECT_EQ(regionOf(*g, "c"), 2);
  EXPECT_EQ(allChecks(*g), "");
}

TEST(MergeRegions, ReportsChangesHonestly) {
  auto g = parseGraph(R"(
graph g(%x: f32[4]) {
  %a = relu(%x) : f32[4] @torch
  %b = neg(%a) : f32[4] @torch
  return %b
}
)");
  MergeRegionsPass pass(structural());
  EXPECT_TRUE(pass.run(*g));
  EXPECT_FALSE(pass.run(*g));
}

TEST(MergeRegions, RefusesConversionNodes) {
  auto g = parseGraph(R"(
graph g(%x: f32[4]) {
  %t = to_torch(%x) : f32[4] @torch:0
  %f = from_torch(%t) : f32[4] @torch:0
  return %f
}
)");
  EXPECT_THROW(MergeRegionsPass(structural()).run(*g), Error);
}

// The property test: thousands of seeded random DAGs with random torch/pure
// assignments. Checked independently of the pass: ids dense and only on
// torch nodes, regions acyclic when contracted, connected, and maximal.
TEST(MergeRegions, RandomDagsGiveAcyclicConnectedMaximalRegions) {
  int regionsSeen = 0;
  for (uint32_t seed = 0; seed < 3000; ++seed) {
    test::RandomDagSpec spec;
    spec.nodes = 5 + static_cast<int>(seed % 56);
    spec.torchFraction = 0.2 + 0.6 * ((seed * 7919) % 100) / 100.0;
    spec.window = 2 + static_cast<int>(seed % 9);
    spec.farOperand = (seed % 3) * 0.15;
    auto g = test::randomDag(seed, spec);
    MergeRegionsPass(structural()).run(*g);
    std::string problem = allChecks(*g);
    ASSERT_EQ(problem, "") << "seed " << seed << "\n" << g->str();
    regionsSeen += test::regionCount(*g);
  }
  EXPECT_GT(regionsSeen, 3000); // the generator does produce regions
}

TEST(MergeRegions, RandomDagsStayValidInAutoMode) {
  PartitionOptions opts = structural();
  opts.mode = Mode::Auto;
  auto profile = std::make_shared<CostProfile>(CostProfile::defaults());
  profile->convPerValueS = 2e-6; // make absorbing pure nodes attractive
  opts.profile = profile;
  for (uint32_t seed = 0; seed < 1000; ++seed) {
    test::RandomDagSpec spec;
    spec.nodes = 5 + static_cast<int>(seed % 40);
    auto g = test::randomDag(seed, spec);
    for (Node *n : g->nodes()) // torch looks cheap everywhere but per call
      n->setCosts(1e-5, n->op() == OpKind::Exp ? 1e-6 : 2e-5);
    MergeRegionsPass(opts).run(*g);
    ASSERT_EQ(allChecks(*g), "") << "seed " << seed << "\n" << g->str();
  }
}

TEST(MergeRegions, TwentyThousandNodesMergeInWellUnderASecond) {
  test::RandomDagSpec spec;
  spec.nodes = 20000;
  spec.window = 16;
  spec.farOperand = 0.05;
  auto g = test::randomDag(42, spec);
  auto start = std::chrono::steady_clock::now();
  MergeRegionsPass(structural()).run(*g);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("merge-regions on 20000 nodes: %.1f ms, %d regions\n", seconds * 1e3,
              test::regionCount(*g));
#if defined(NDEBUG) && !defined(__SANITIZE_ADDRESS__)
  EXPECT_LT(seconds, 1.0); // typically ~60 ms; debug/sanitizer builds are not timed
#endif
  EXPECT_EQ(test::checkRegionGraphAcyclic(*g), "");
  EXPECT_EQ(test::checkRegionIds(*g), "");
}

//===- cost-driven adjustments (auto mode) ---------------------------------===//

const char *kSandwich = R"(
graph g(%x: f32[256,256]) params(%w: f32[256,256]) {
  %m1 = matmul(%x, %w) : f32[256,256] @torch
  %m2 = matmul(%m1, %w) : f32[256,256] @torch
  %p = add(%m1, %m2) : f32[256,256] @pure
  %m3 = matmul(%p, %w) : f32[256,256] @torch
  return %m3
}
)";

PartitionOptions autoWith(std::shared_ptr<CostProfile> profile) {
  PartitionOptions o = structural();
  o.mode = Mode::Auto;
  o.profile = std::move(profile);
  o.minRegionSavingFraction = 0; // these tests are about absorption, not the margin
  return o;
}

TEST(MergeRegions, EvictsARegionThatWinsOnlyByAThinMargin) {
  // With the default profile the 256x256 matmuls are only a little faster
  // on torch: under the default 10% margin every region goes back to pure.
  PartitionOptions o = autoWith(std::make_shared<CostProfile>(CostProfile::defaults()));
  o.minRegionSavingFraction = 0.1;
  auto g = merged(kSandwich, o);
  for (const char *n : {"m1", "m2", "m3"}) {
    EXPECT_EQ(g->findNamed(n)->backend(), Backend::Pure) << n;
    EXPECT_NE(g->findNamed(n)->reason().find("too close to call"), std::string::npos)
        << g->findNamed(n)->reason();
  }
  // A margin of zero keeps them (the absorption tests below rely on it).
  o.minRegionSavingFraction = 0;
  auto kept = merged(kSandwich, o);
  EXPECT_EQ(kept->findNamed("m1")->backend(), Backend::Torch);
  EXPECT_EQ(allChecks(*g), "");
}

TEST(MergeRegions, StructurallyThePureAddSplitsTwoRegions) {
  auto g = merged(kSandwich);
  EXPECT_EQ(regionOf(*g, "m1"), 0);
  EXPECT_EQ(regionOf(*g, "m2"), 0);
  EXPECT_EQ(regionOf(*g, "m3"), 1);
}

TEST(MergeRegions, AbsorbsAPureNodeWhenConversionsCostMore) {
  auto profile = std::make_shared<CostProfile>(CostProfile::defaults());
  profile->convPerValueS = 5e-6;
  auto g = merged(kSandwich, autoWith(profile));
  // p joins {m1, m2}: m1 and m2 no longer leave it, p does (net one fewer);
  // then m3 can join through p.
  for (const char *n : {"m1", "m2", "p", "m3"})
    EXPECT_EQ(regionOf(*g, n), 0) << n;
  Node *p = g->findNamed("p");
  EXPECT_EQ(p->backend(), Backend::Torch);
  EXPECT_EQ(p->reason().rfind("kept on torch: moving it to pure would add 1 conversion of "
                              "256.0 KiB (",
                              0),
            0u)
      << p->reason();
  EXPECT_EQ(allChecks(*g), "");
}

TEST(MergeRegions, KeepsThePureNodeWhenConversionsAreCheap) {
  auto g = merged(kSandwich, autoWith(std::make_shared<CostProfile>(CostProfile::defaults())));
  EXPECT_EQ(g->findNamed("p")->backend(), Backend::Pure);
  EXPECT_EQ(regionOf(*g, "m3"), 1);
}

TEST(MergeRegions, EvictsARegionThatDoesNotPayForItsConversions) {
  auto g = merged(R"(
graph g(%x: f32[4]) {
  %a = relu(%x) : f32[4] @torch
  %b = neg(%a) : f32[4] @pure
  return %b
}
)",
                  autoWith(nullptr));
  Node *a = g->findNamed("a");
  EXPECT_EQ(a->backend(), Backend::Pure);
  EXPECT_EQ(a->region(), -1);
  CostProfile d = CostProfile::defaults();
  double saving =
      d.estimateNode(*a, Backend::Pure) - d.estimateNode(*a, Backend::Torch) - d.regionLaunchS;
  EXPECT_EQ(a->reason(), "evicted to pure: region saves " + formatSeconds(saving) +
                             " but conversions cost " + formatSeconds(2 * d.conversionCost(16)));
}

TEST(MergeRegions, MinRegionSecondsEvictsSmallWins) {
  const char *text = R"(
graph g(%x: f32[512,512]) {
  %a = matmul(%x, %x) : f32[512,512] @torch
  return %a
}
)";
  PartitionOptions opts = autoWith(nullptr);
  EXPECT_EQ(regionOf(*merged(text, opts), "a"), 0); // saves ~ms: kept
  opts.minRegionSeconds = 1.0;
  auto g = merged(text, opts);
  EXPECT_EQ(regionOf(*g, "a"), -1);
  EXPECT_NE(g->findNamed("a")->reason().find("below the minimum 1.0s"), std::string::npos)
      << g->findNamed("a")->reason();
  opts.thresholds["matmul"] = 1000; // a threshold's decision is never undone
  EXPECT_EQ(regionOf(*merged(text, opts), "a"), 0);
}

} // namespace
} // namespace duet
