//===- tests/runtime/plan_cache_test.cpp - reusing compiled plans ---------===//
#include "backends/runtime/params.h"
#include "backends/runtime/plan_cache.h"
#include "ir/error.h"
#include "test_util.h"

namespace duet {
namespace {

CompileOptions pureOptions() {
  CompileOptions opts;
  opts.mode = Mode::Pure;
  return opts;
}

TEST(PlanCache, HitsOnTheSameStructure) {
  PlanCache cache;
  auto g = test::makeMlp(4, 3, 5, 2);
  auto p1 = cache.getOrCompile(*g, pureOptions());
  auto same = test::makeMlp(4, 3, 5, 2); // another graph object, same structure
  auto p2 = cache.getOrCompile(*same, pureOptions());
  EXPECT_EQ(p1, p2);
  EXPECT_EQ(cache.hits(), 1);
  EXPECT_EQ(cache.misses(), 1);
  EXPECT_EQ(cache.size(), 1u);

  // Running reports the cache's counters.
  Buffer x = Buffer::allocate({DType::F32, {4, 3}});
  p2->run(std::span<const Buffer>(&x, 1), initParams(*g, 0));
  EXPECT_EQ(p2->stats().planCacheHits, 1);
  EXPECT_EQ(p2->stats().planCacheMisses, 1);
}

TEST(PlanCache, MissesOnShapeNamesOrOptions) {
  PlanCache cache;
  auto g = test::makeMlp(4, 3, 5, 2);
  auto base = cache.getOrCompile(*g, pureOptions());
  auto otherShape = test::makeMlp(8, 3, 5, 2);
  EXPECT_NE(cache.getOrCompile(*otherShape, pureOptions()), base);

  // Same structure, renamed parameter: params bind by name, so a new plan.
  auto renamed = test::makeMlp(4, 3, 5, 2);
  renamed->findNamed("w1")->setName("weight1");
  auto p = cache.getOrCompile(*renamed, pureOptions());
  EXPECT_NE(p, base);
  EXPECT_EQ(p->graph().params()[0]->name(), "weight1");

  CompileOptions pipeline = pureOptions();
  pipeline.pipeline = "verify";
  EXPECT_NE(cache.getOrCompile(*g, pipeline), base);
  CompileOptions strict = pureOptions();
  strict.strict = true;
  EXPECT_NE(cache.getOrCompile(*g, strict), base);
  // Fusion and the memory limit change the plan (or whether it compiles) too.
  CompileOptions unfused = pureOptions();
  unfused.partition.fuseElementwise = false;
  EXPECT_NE(cache.getOrCompile(*g, unfused), base);
  CompileOptions limited = pureOptions();
  limited.memoryLimitBytes = 1 << 30;
  EXPECT_NE(cache.getOrCompile(*g, limited), base);
  CompileOptions saving = pureOptions();
  saving.partition.minRegionSavingFraction = 0.5;
  EXPECT_NE(cache.getOrCompile(*g, saving), base);
  EXPECT_EQ(cache.misses(), 8);
  EXPECT_EQ(cache.hits(), 0);
  EXPECT_EQ(cache.getOrCompile(*g, pureOptions()), base);
  EXPECT_EQ(cache.hits(), 1);
}

// A memory limit the graph exceeds is an error on a hit as on a miss.
TEST(PlanCache, MemoryLimitIsCheckedOnEveryKey) {
  PlanCache cache;
  auto g = test::makeMlp(4, 3, 5, 2);
  cache.getOrCompile(*g, pureOptions());
  CompileOptions tiny = pureOptions();
  tiny.memoryLimitBytes = 16;
  EXPECT_THROW(cache.getOrCompile(*g, tiny), Error);
}

TEST(PlanCache, PrintAfterAlwaysCompiles) {
  PlanCache cache;
  auto g = test::makeMlp(4, 3, 5, 2);
  CompileOptions opts = pureOptions();
  int dumps = 0;
  opts.printAfter = "*";
  opts.printSink = [&](const std::string &) { ++dumps; };
  cache.getOrCompile(*g, opts);
  int perCompile = dumps;
  EXPECT_GT(perCompile, 0);
  cache.getOrCompile(*g, opts);
  EXPECT_EQ(dumps, 2 * perCompile);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(PlanCache, EvictsLeastRecentlyUsed) {
  PlanCache cache(2);
  auto a = test::makeMlp(1, 2, 2, 2), b = test::makeMlp(2, 2, 2, 2), c = test::makeMlp(3, 2, 2, 2);
  auto pa = cache.getOrCompile(*a, pureOptions());
  cache.getOrCompile(*b, pureOptions());
  EXPECT_EQ(cache.getOrCompile(*a, pureOptions()), pa); // a is now the most recent
  cache.getOrCompile(*c, pureOptions());                // evicts b
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.getOrCompile(*a, pureOptions()), pa);
  int64_t missesBefore = cache.misses();
  cache.getOrCompile(*b, pureOptions());
  EXPECT_EQ(cache.misses(), missesBefore + 1);
}

TEST(PlanCache, WarnsOnceWhenShapesKeepChanging) {
  PlanCache cache;
  std::string err;
  for (int batch = 1; batch <= 8; ++batch) {
    testing::internal::CaptureStderr();
    cache.getOrCompile(*test::makeMlp(batch, 3, 4, 2), pureOptions());
    err += testing::internal::GetCapturedStderr();
  }
  EXPECT_EQ(err, "");
  testing::internal::CaptureStderr();
  cache.getOrCompile(*test::makeMlp(9, 3, 4, 2), pureOptions());
  EXPECT_EQ(testing::internal::GetCapturedStderr(),
            "duet: warning: plan for graph 'mlp' rebuilt 9 times: input shapes keep changing "
            "(each new shape compiles a new plan)\n");
  testing::internal::CaptureStderr();
  cache.getOrCompile(*test::makeMlp(10, 3, 4, 2), pureOptions());
  cache.getOrCompile(*test::makeMlp(9, 3, 4, 2), pureOptions()); // a hit
  // Another graph name has its own count.
  for (int batch = 1; batch <= 3; ++batch)
    cache.getOrCompile(*test::makeMlp(batch, 3, 4, 2, "other"), pureOptions());
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  EXPECT_EQ(cache.misses(), 13);
  EXPECT_EQ(cache.hits(), 1);

  cache.clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.misses(), 0);
}

TEST(PlanCache, GlobalInstanceIsShared) { EXPECT_EQ(&globalPlanCache(), &globalPlanCache()); }

} // namespace
} // namespace duet
