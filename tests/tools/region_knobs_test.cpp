//===- tests/tools/region_knobs_test.cpp - --min-region-* flags -----------===//
#include "backends/torch_backend.h"
#include "cli_util.h"

#include <gtest/gtest.h>

#include <fstream>

namespace duet::test {
namespace {

// Three 256x256 matmuls: with the shipped profile torch wins each one by a
// thin margin, so the region lives or dies by the saving knobs.
const char *kMatmuls = R"(graph g(%x: f32[256,256]) params(%w: f32[256,256]) {
  %0 = matmul(%x, %w) : f32[256,256]
  %1 = matmul(%0, %w) : f32[256,256]
  %2 = matmul(%1, %w) : f32[256,256]
  return %2
}
)";

// Matmul lines of a text dump annotated @torch.
int torchNodes(const std::string &dump) {
  int n = 0;
  for (size_t at = dump.find("= matmul"); at != std::string::npos;
       at = dump.find("= matmul", at + 1))
    n += dump.find("@torch", at) < dump.find('\n', at);
  return n;
}

TEST(RegionKnobs, SavingMarginAndMinimumTimeDecideThinRegions) {
  if (!torchBackend())
    GTEST_SKIP() << "no torch backend in this build";
  TempDir dir("region_knobs");
  std::ofstream(dir / "g.duet") << kMatmuls;
  CliResult kept = runDuet("dump " + (dir / "g.duet") + " --mode auto --min-region-saving 0");
  ASSERT_EQ(kept.exitCode, 0) << kept.err;
  EXPECT_EQ(torchNodes(kept.out), 3) << kept.out;

  CliResult margin = runDuet("dump " + (dir / "g.duet") + " --mode auto --min-region-saving 0.9");
  ASSERT_EQ(margin.exitCode, 0) << margin.err;
  EXPECT_EQ(torchNodes(margin.out), 0) << margin.out;

  CliResult minimum = runDuet("dump " + (dir / "g.duet") +
                              " --mode auto --min-region-saving 0 --min-region-us 1e9 --explain");
  ASSERT_EQ(minimum.exitCode, 0) << minimum.err;
  EXPECT_EQ(torchNodes(minimum.out), 0) << minimum.out;
  EXPECT_NE(minimum.out.find("below the minimum"), std::string::npos) << minimum.out;
}

TEST(RegionKnobs, OutOfRangeFractionIsACliError) {
  CliResult r = runDuet("run " + example("mlp.duet") + " --min-region-saving 2");
  EXPECT_NE(r.exitCode, 0);
  EXPECT_NE(r.err.find("--min-region-saving"), std::string::npos) << r.err;
}

} // namespace
} // namespace duet::test
