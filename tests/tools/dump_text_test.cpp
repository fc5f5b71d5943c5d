//===- tests/tools/dump_text_test.cpp - `duet dump` as annotated text -----===//
#include "dump_test_util.h"

#include "ir/graph.h"
#include "ir/parser.h"

#include <gtest/gtest.h>

#include <map>

namespace duet {
namespace {

using dumptest::count;
using dumptest::duet;
using dumptest::example;
using dumptest::lines;
using dumptest::Scratch;

// With the flat profile (matmul pure 1ms, torch 100us) both matmuls of the
// MLP go to torch by estimate, in two regions split by the pure add/relu.
TEST(DumpText, AnnotatedTextParsesBackWithTheSamePlacement) {
  DUET_REQUIRE_TORCH();
  Scratch s;
  std::string profile = s.write("p.json", dumptest::flatProfile(1e-3, 1e-4));
  auto r = duet("dump " + example("mlp.duet") + " --no-fuse --mode auto --profile " + profile);
  ASSERT_EQ(r.code, 0) << r.err;

  std::unique_ptr<Graph> g = parseGraph(r.out, "dump");
  std::map<std::string, int> ops;
  for (const Node *n : g->nodes()) {
    ++ops[std::string(n->opName())];
    if (n->op() == OpKind::Matmul) {
      EXPECT_EQ(n->backend(), Backend::Torch);
      EXPECT_GE(n->region(), 0);
    }
    if (n->op() == OpKind::Add || n->op() == OpKind::Relu) {
      EXPECT_EQ(n->backend(), Backend::Pure);
    }
  }
  // Region 0 reads %x and %w1 and returns one value; region 1 reads the
  // relu result and %w2 and returns one value.
  EXPECT_EQ(ops["to_torch"], 4);
  EXPECT_EQ(ops["from_torch"], 2);
  EXPECT_EQ(ops["matmul"], 2);
  EXPECT_EQ(count(r.out, "@torch:0"), 4u);
  EXPECT_EQ(count(r.out, "@torch:1"), 4u);
}

TEST(DumpText, EveryComputeLineCarriesBothEstimates) {
  DUET_REQUIRE_TORCH();
  Scratch s;
  std::string profile = s.write("p.json", dumptest::flatProfile(1e-3, 1e-4));
  auto r = duet("dump " + example("mlp.duet") + " --no-fuse --mode auto --profile " + profile);
  ASSERT_EQ(r.code, 0) << r.err;
  int matmuls = 0, adds = 0, conversions = 0;
  for (const std::string &l : lines(r.out)) {
    if (l.find("= matmul(") != std::string::npos) {
      ++matmuls;
      EXPECT_NE(l.find("// est. pure 1.0ms, torch 100.0us"), std::string::npos) << l;
    }
    if (l.find("= add(") != std::string::npos) {
      ++adds;
      EXPECT_NE(l.find("// est. pure 1.0us, torch 1.0s"), std::string::npos) << l;
    }
    if (l.find("= to_torch(") != std::string::npos ||
        l.find("= from_torch(") != std::string::npos) {
      ++conversions;
      EXPECT_NE(l.find("// conversion"), std::string::npos) << l;
      EXPECT_NE(l.find("est. 1.0us"), std::string::npos) << l;
    }
  }
  EXPECT_EQ(matmuls, 2);
  EXPECT_EQ(adds, 2);
  EXPECT_EQ(conversions, 6);
}

// Worked out from the flat profile: pure nodes add, relu, add (3 x 1us);
// torch: 2 matmuls (2 x 100us), 2 regions (2 x 1us launch), 6 conversions
// (6 x 1us): 211us. All-pure: 2 x 1ms + 3us. All-torch: one region, five
// nodes (2 x 100us + 3 x 1s), 5 values in and 1 out.
TEST(DumpText, SummaryTableComparesWithSingleBackendPlans) {
  DUET_REQUIRE_TORCH();
  Scratch s;
  std::string profile = s.write("p.json", dumptest::flatProfile(1e-3, 1e-4));
  auto r = duet("dump " + example("mlp.duet") + " --no-fuse --mode auto --profile " + profile);
  ASSERT_EQ(r.code, 0) << r.err;
  auto has = [&](const std::string &row) {
    EXPECT_NE(r.out.find(row), std::string::npos) << "missing row: " << row << "\n" << r.out;
  };
  has("//   pure nodes               3          5          0");
  has("//   torch nodes              2          0          5");
  has("//   torch regions            2          0          1");
  has("//   conversions              6          0          6");
  has("//   estimated total    211.0us      2.0ms       3.0s");
  has("this plan: 9.49x faster than all-pure");
  // The table closes the dump.
  EXPECT_NE(lines(r.out).back().find("this plan:"), std::string::npos);
}

TEST(DumpText, DumpedGraphRunsAgainWithTheSameResult) {
  DUET_REQUIRE_TORCH();
  Scratch s;
  std::string profile = s.write("p.json", dumptest::flatProfile(1e-3, 1e-4));
  std::string dumped = s.file("mlp_dumped.duet");
  auto d = duet("dump " + example("mlp.duet") + " --mode auto --explain --profile " + profile +
                " -o " + dumped);
  ASSERT_EQ(d.code, 0) << d.err;
  auto original = duet("run " + example("mlp.duet") + " --mode pure --seed 3");
  auto again = duet("run " + dumped + " --mode pure --seed 3");
  ASSERT_EQ(original.code, 0) << original.err;
  ASSERT_EQ(again.code, 0) << again.err;
  // Same values: the "%logits = ..." line (min, max, mean, first values).
  auto logits = [](const std::string &out) {
    for (const std::string &l : lines(out))
      if (l.find("%logits =") != std::string::npos)
        return l;
    return std::string("<none>");
  };
  EXPECT_EQ(logits(again.out), logits(original.out));
  EXPECT_NE(logits(original.out), "<none>");
  // Re-partitioning a dump drops its conversions and inserts them anew.
  auto redump = duet("dump " + dumped + " --mode auto --profile " + profile);
  ASSERT_EQ(redump.code, 0) << redump.err;
  EXPECT_EQ(count(redump.out, "= to_torch("), 4u);
}

TEST(DumpText, AfterPassShowsThatStage) {
  DUET_REQUIRE_TORCH();
  Scratch s;
  std::string profile = s.write("p.json", dumptest::flatProfile(1e-3, 1e-4));
  auto r =
      duet("dump " + example("mlp.duet") + " --mode auto --after partition --profile " + profile);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("after partition"), std::string::npos);
  EXPECT_EQ(count(r.out, "to_torch"), 0u); // not inserted yet
  EXPECT_EQ(count(r.out, "= matmul("), 2u);
  EXPECT_EQ(count(r.out, "@torch "), 2u); // partitioned, no region yet
  parseGraph(r.out, "after-partition");
  // The implied conversions are still counted: the same total as the plan.
  EXPECT_NE(r.out.find("estimated total    211.0us"), std::string::npos) << r.out;

  auto bad = duet("dump " + example("mlp.duet") + " --after fold-everything");
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.err.find("fold-everything"), std::string::npos);
  EXPECT_NE(bad.err.find("merge-regions"), std::string::npos) << bad.err;
}

TEST(DumpText, PrintAfterAllShowsEveryPassThenThePlan) {
  auto r = duet("dump " + example("mlp.duet") + " --mode pure --print-after-all");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char *pass : {"verify", "infer-shapes", "constant-fold", "cse", "dce", "annotate-cost",
                           "partition", "merge-regions", "insert-conversions"})
    EXPECT_EQ(count(r.out, std::string("*** IR Dump After ") + pass + " ***"), 1u) << pass;
  EXPECT_EQ(count(r.out, "// summary:"), 1u);
  auto json = duet("dump " + example("mlp.duet") + " --print-after-all --format json");
  EXPECT_NE(json.code, 0);
  EXPECT_NE(json.err.find("--after"), std::string::npos) << json.err;
}

} // namespace
} // namespace duet
