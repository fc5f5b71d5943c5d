//===- tests/runtime/run_stats_test.cpp - the --stats table ---------------===//
#include "backends/runtime/run_stats.h"

#include <gtest/gtest.h>

namespace duet {
namespace {

TEST(RunStats, FormatShowsEveryCounterAndStep) {
  RunStats s;
  s.pureNodes = 3;
  s.torchNodes = 12;
  s.regions = 2;
  s.conversions = 4;
  s.zeroCopyBytes = 3 << 20;
  s.copiedBytes = 512;
  s.fallbacks = 1;
  s.planCacheHits = 7;
  s.planCacheMisses = 1;
  s.totalSeconds = 0.0042;
  s.steps.push_back({"%0 matmul", "pure", 0.002, 0.0015});
  s.steps.push_back({"region 0 (12 nodes)", "pure (fallback)", 0, 2.5e-5});
  std::string t = s.format();
  EXPECT_NE(t.find("nodes:        3 pure, 12 torch\n"), std::string::npos) << t;
  EXPECT_NE(t.find("regions:      2 torch regions, 1 fallback to pure\n"), std::string::npos) << t;
  EXPECT_NE(t.find("conversions:  4 (3.0 MiB zero-copy, 512 B copied)\n"), std::string::npos)
      << t;
  EXPECT_NE(t.find("plan cache:   7 hits, 1 miss\n"), std::string::npos) << t;
  EXPECT_NE(t.find("total:        4.200 ms\n"), std::string::npos) << t;
  EXPECT_NE(t.find("step                 backend            estimated     measured\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("%0 matmul            pure                2.000 ms     1.500 ms\n"),
            std::string::npos)
      << t;
  // An unknown estimate prints as "-".
  EXPECT_NE(t.find("region 0 (12 nodes)  pure (fallback)            -      25.0 us\n"),
            std::string::npos)
      << t;
}

TEST(RunStats, EmptyStatsHaveNoStepTable) {
  std::string t = RunStats{}.format();
  EXPECT_NE(t.find("0 pure, 0 torch"), std::string::npos);
  EXPECT_EQ(t.find("step"), std::string::npos);
}

} // namespace
} // namespace duet
