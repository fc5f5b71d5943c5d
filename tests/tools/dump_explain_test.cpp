//===- tests/tools/dump_explain_test.cpp - --explain and --diff -----------===//
#include "dump_test_util.h"

#include <gtest/gtest.h>

namespace duet {
namespace {

using dumptest::count;
using dumptest::duet;
using dumptest::example;
using dumptest::lines;
using dumptest::Scratch;

/// The explanation block whose header line contains `header`, with the
/// indented lines after it.
std::string block(const std::string &out, const std::string &header) {
  std::string text;
  bool in = false;
  for (const std::string &l : lines(out)) {
    if (l.rfind("//   %", 0) == 0)
      in = l.find(header) != std::string::npos;
    if (in)
      text += l + "\n";
  }
  return text;
}

TEST(DumpExplain, NamesTheThresholdThatDecided) {
  DUET_REQUIRE_TORCH();
  auto r = duet("dump " + example("mlp.duet") + " --mode auto --explain --threshold matmul=10000");
  ASSERT_EQ(r.code, 0) << r.err;
  // %0 = x[32,784] @ w1[784,256]: largest operand 200704 elements >= 10000.
  std::string first = block(r.out, "= matmul f32[32,256]");
  EXPECT_NE(first.find("-> torch:0"), std::string::npos) << first;
  EXPECT_NE(first.find("decided by: threshold matmul=10000 (numel 200704"), std::string::npos)
      << first;
  EXPECT_NE(first.find("estimate: pure "), std::string::npos) << first;
  // The second matmul: [32,256] @ [256,10], largest 8192 < 10000: pure.
  size_t lines8192 = count(r.out, "decided by: threshold matmul=10000 (numel 8192 < threshold)");
  EXPECT_EQ(lines8192, 1u) << r.out;
}

TEST(DumpExplain, NamesTheEstimateAndTheMode) {
  DUET_REQUIRE_TORCH();
  Scratch s;
  std::string profile = s.write("p.json", dumptest::flatProfile(1e-3, 1e-4));
  auto r =
      duet("dump " + example("mlp.duet") + " --no-fuse --mode auto --explain --profile " + profile);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(count(r.out, "decided by: estimate torch 100.0us < pure 1.0ms"), 2u) << r.out;
  EXPECT_EQ(count(r.out, "decided by: estimate pure 1.0us <= torch 1.0s"), 3u);
  EXPECT_EQ(count(r.out, "(torch 10.00x faster)"), 2u);
  EXPECT_EQ(count(r.out, ": enters region "), 4u);
  EXPECT_EQ(count(r.out, ": leaves region "), 2u);

  auto pure = duet("dump " + example("mlp.duet") + " --no-fuse --mode pure --explain");
  ASSERT_EQ(pure.code, 0) << pure.err;
  EXPECT_EQ(count(pure.out, "decided by: mode pure"), 5u);
}

// %r = relu(%x) alone is cheaper on pure, but the matmul (forced to torch)
// reads both %x and %r: with %r on torch, %x converts once and %r never
// does, which saves one conversion of 100us. Merge-regions moves it.
const char *kAbsorb = R"(graph absorb(%x: f32[64,64]) {
  %r = relu(%x) : f32[64,64]
  %y = matmul(%x, %r) : f32[64,64]
  return %y
}
)";

TEST(DumpExplain, SaysWhenRegionMergingMovedANode) {
  DUET_REQUIRE_TORCH();
  Scratch s;
  std::string file = s.write("absorb.duet", kAbsorb);
  std::string profile = s.write("slow.json", R"({"format": "duet-cost-profile", "version": 1,
        "conversion": {"per_value_s": 1e-4, "per_byte_s": 0, "region_launch_s": 1e-6},
        "ops": {"relu": {"pure": {"overhead_s": 1e-6, "s_per_flop": 0, "s_per_byte": 0},
                         "torch": {"overhead_s": 2e-6, "s_per_flop": 0, "s_per_byte": 0}}}})");
  auto r =
      duet("dump " + file + " --mode auto --explain --threshold matmul=0 --profile " + profile);
  ASSERT_EQ(r.code, 0) << r.err;
  std::string relu = block(r.out, "%r = relu");
  EXPECT_NE(relu.find("-> torch:0"), std::string::npos) << r.out;
  EXPECT_NE(relu.find("partition: pure (estimate pure 1.0us <= torch 2.0us)"), std::string::npos)
      << relu;
  EXPECT_NE(relu.find("merge-regions: moved to torch: kept on torch: moving it to pure would "
                      "add 1 conversion of 16.0 KiB"),
            std::string::npos)
      << relu;
  // The per-node comment of the text form says so too.
  EXPECT_NE(r.out.find("moved to torch by merge-regions"), std::string::npos);

  auto json =
      duet("dump " + file + " --mode auto --format json --threshold matmul=0 --profile " + profile);
  ASSERT_EQ(json.code, 0) << json.err;
  EXPECT_EQ(count(json.out, "\"moved_by_merge\": true"), 1u);
}

// DUET_PROFILE makes matmul cheaper on pure (100us vs 1ms), so the default
// partition is all pure; --threshold matmul=10000 moves only the first
// matmul (200704 elements), not the second (8192).
TEST(DumpDiff, ListsExactlyTheNodesThatChangeAndTheTimeDelta) {
  DUET_REQUIRE_TORCH();
  Scratch s;
  std::string profile = s.write("p.json", dumptest::flatProfile(1e-4, 1e-3));
  auto r =
      duet("dump " + example("mlp.duet") + " --no-fuse --mode auto --diff --threshold matmul=10000",
           "DUET_PROFILE='" + profile + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("1 node changes backend"), std::string::npos) << r.out;
  int moved = 0;
  for (const std::string &l : lines(r.out))
    if (l.find(": pure -> ") != std::string::npos || l.find(" -> pure") != std::string::npos) {
      ++moved;
      EXPECT_EQ(l, "  %0 = matmul f32[32,256]: pure -> torch:0");
    }
  EXPECT_EQ(moved, 1);
  // Default: 2 x 100us + 3 x 1us. What-if: one matmul on torch (1ms), one
  // region (1us), 3 conversions (3us): 100 + 3 + 1000 + 1 + 3 = 1107us.
  EXPECT_NE(r.out.find("predicted total: 203.0us -> 1.1ms (+904.0us, +445.3%)"), std::string::npos)
      << r.out;

  auto both =
      duet("dump " + example("mlp.duet") + " --no-fuse --mode auto --diff --threshold matmul=1",
           "DUET_PROFILE='" + profile + "'");
  ASSERT_EQ(both.code, 0) << both.err;
  EXPECT_NE(both.out.find("2 nodes change backend"), std::string::npos) << both.out;
  EXPECT_NE(both.out.find("%3 = matmul f32[32,10]: pure -> torch:1"), std::string::npos);

  auto none =
      duet("dump " + example("mlp.duet") + " --no-fuse --mode auto --diff --threshold matmul=1e9",
           "DUET_PROFILE='" + profile + "'");
  ASSERT_EQ(none.code, 0) << none.err;
  EXPECT_NE(none.out.find("no node changes backend"), std::string::npos) << none.out;

  auto bare = duet("dump " + example("mlp.duet") + " --no-fuse --mode auto --diff");
  EXPECT_EQ(bare.code, 2); // a usage error
  EXPECT_NE(bare.err.find("--threshold"), std::string::npos) << bare.err;
}

// With fusion on (the default, and the README's line), the two runs fuse
// different chains: nodes are matched as the partition left them, before
// conversions and fusion add and remove nodes.
TEST(DumpDiff, WorksWithFusionOn) {
  DUET_REQUIRE_TORCH();
  Scratch s;
  std::string profile = s.write("p.json", dumptest::flatProfile(1e-4, 1e-3));
  for (const char *what : {"matmul=1000", "add=1", "relu=0", "matmul=1"}) {
    auto r = duet("dump " + example("mlp.duet") + " --mode auto --diff --threshold " + what,
                  "DUET_PROFILE='" + profile + "'");
    ASSERT_EQ(r.code, 0) << what << ": " << r.err;
    EXPECT_NE(r.out.find("what-if for graph mlp"), std::string::npos) << what << ": " << r.out;
    EXPECT_NE(r.out.find("predicted total: "), std::string::npos) << what << ": " << r.out;
  }
  auto r = duet("dump " + example("mlp.duet") + " --mode auto --diff --threshold matmul=10000",
                "DUET_PROFILE='" + profile + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("  %0 = matmul f32[32,256]: pure -> torch:0\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 node changes backend"), std::string::npos) << r.out;
}

TEST(DumpDiff, AnotherProfileIsAWhatIfToo) {
  DUET_REQUIRE_TORCH();
  Scratch s;
  std::string slowTorch = s.write("a.json", dumptest::flatProfile(1e-4, 1e-3));
  std::string fastTorch = s.write("b.json", dumptest::flatProfile(1e-3, 1e-4));
  auto r =
      duet("dump " + example("mlp.duet") + " --no-fuse --mode auto --diff --profile " + fastTorch,
           "DUET_PROFILE='" + slowTorch + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("2 nodes change backend"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("what-if: mode auto, profile " + fastTorch), std::string::npos) << r.out;
  // 203us (all pure, slow-torch profile) -> 211us (fast-torch profile plan).
  EXPECT_NE(r.out.find("predicted total: 203.0us -> 211.0us (+8.0us, +3.9%)"), std::string::npos)
      << r.out;
}

} // namespace
} // namespace duet
