//===- tests/passes/insert_conversions_test.cpp - boundary nodes ------------===//
#include "ir/graph.h"
#include "ir/parser.h"
#include "ir/verifier.h"
#include "passes/insert_conversions.h"
#include "passes/merge_regions.h"
#include "passes/partition.h"
#include "passes/pass_manager.h"
#include "random_dag.h"
#include "region_checks.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace duet {
namespace {

PartitionOptions structural() {
  PartitionOptions o;
  o.mode = Mode::Torch;
  o.torchSupports = [](const Node &, std::string *) { return true; };
  return o;
}

std::unique_ptr<Graph> converted(const char *text) {
  auto g = parseGraph(text);
  MergeRegionsPass(structural()).run(*g);
  InsertConversionsPass().run(*g);
  return g;
}

std::vector<Node *> nodesOf(const Graph &g, OpKind op) {
  std::vector<Node *> out;
  for (Node *n : g.nodes())
    if (n->op() == op)
      out.push_back(n);
  return out;
}

/// Conversion nodes whose operand is `value`.
std::vector<Node *> conversionsOf(const Graph &g, OpKind op, const Node *value) {
  std::vector<Node *> out;
  for (Node *n : nodesOf(g, op))
    if (n->input(0) == value)
      out.push_back(n);
  return out;
}

/// Independent check of the conversion invariants; "" when they hold.
std::string checkConversions(const Graph &g) {
  std::set<std::pair<NodeId, int>> toTorch;
  std::set<NodeId> fromTorch;
  for (const Node *n : g.nodes()) {
    int r = n->region();
    if (n->op() == OpKind::ToTorch) {
      if (r < 0 || n->backend() != Backend::Torch || n->input(0)->region() == r)
        return "bad to_torch " + std::to_string(n->id());
      if (!toTorch.insert({n->input(0)->id(), r}).second)
        return "value converted twice into region " + std::to_string(r);
      continue;
    }
    if (n->op() == OpKind::FromTorch) {
      if (r < 0 || n->input(0)->region() != r || n->input(0)->op() == OpKind::FromTorch)
        return "bad from_torch " + std::to_string(n->id());
      if (!fromTorch.insert(n->input(0)->id()).second)
        return "value converted out twice";
      continue;
    }
    for (const Node *in : n->inputs()) {
      bool inSame = r >= 0 && in->region() == r;
      if (r >= 0 && !inSame)
        return "region node " + std::to_string(n->id()) + " reads an outside value directly";
      if (r < 0 && in->region() >= 0 && in->op() != OpKind::FromTorch)
        return "outside node " + std::to_string(n->id()) + " reads a region value directly";
    }
  }
  for (const Node *o : g.outputs())
    if (o->region() >= 0 && o->op() != OpKind::FromTorch)
      return "output is a region value";
  return "";
}

TEST(InsertConversions, ChainConvertsEachInputOnceAndEachEscapingValueOnce) {
  auto g = converted(R"(
graph g(%x: f32[4]) params(%w: f32[4]) {
  %a = mul(%x, %w) : f32[4] @torch
  %b = relu(%a) : f32[4] @torch
  %c = add(%b, %w) : f32[4] @torch
  %q = neg(%b) : f32[4] @pure
  return %c, %q
}
)");
  ASSERT_EQ(nodesOf(*g, OpKind::ToTorch).size(), 2u);   // x and w, w used twice
  ASSERT_EQ(nodesOf(*g, OpKind::FromTorch).size(), 2u); // b (for q) and c (output)
  Node *x = g->findNamed("x"), *w = g->findNamed("w");
  Node *a = g->findNamed("a"), *b = g->findNamed("b"), *c = g->findNamed("c");
  Node *tw = conversionsOf(*g, OpKind::ToTorch, w).at(0);
  EXPECT_EQ(a->input(0), conversionsOf(*g, OpKind::ToTorch, x).at(0));
  EXPECT_EQ(a->input(1), tw);
  EXPECT_EQ(c->input(1), tw);
  EXPECT_EQ(c->input(0), b); // inside the region: no conversion
  Node *fb = conversionsOf(*g, OpKind::FromTorch, b).at(0);
  EXPECT_EQ(g->findNamed("q")->input(0), fb);
  EXPECT_EQ(g->outputs().at(0), conversionsOf(*g, OpKind::FromTorch, c).at(0));
  EXPECT_EQ(g->outputs().at(1), g->findNamed("q"));
  for (Node *n : nodesOf(*g, OpKind::ToTorch)) {
    EXPECT_EQ(n->backend(), Backend::Torch);
    EXPECT_EQ(n->region(), 0);
  }
  EXPECT_EQ(fb->region(), 0);
  EXPECT_EQ(checkConversions(*g), "");
  EXPECT_TRUE(verifyGraph(*g).empty());
}

TEST(InsertConversions, AValueUsedFiveTimesInARegionConvertsOnce) {
  auto g = converted(R"(
graph g(%x: f32[4]) {
  %t1 = relu(%x) : f32[4] @torch
  %t2 = add(%x, %t1) : f32[4] @torch
  %t3 = mul(%x, %t2) : f32[4] @torch
  %t4 = sub(%t3, %x) : f32[4] @torch
  %t5 = add(%t4, %x) : f32[4] @torch
  return %t5
}
)");
  auto tt = conversionsOf(*g, OpKind::ToTorch, g->findNamed("x"));
  ASSERT_EQ(tt.size(), 1u);
  EXPECT_EQ(tt[0]->users().size(), 5u);
  EXPECT_EQ(nodesOf(*g, OpKind::FromTorch).size(), 1u);
  EXPECT_EQ(checkConversions(*g), "");
}

TEST(InsertConversions, RegionToRegionGoesOutThenIn) {
  auto g = converted(R"(
graph g(%x: f32[4]) {
  %a = relu(%x) : f32[4] @torch
  %p = neg(%a) : f32[4] @pure
  %b = add(%a, %p) : f32[4] @torch
  %c = mul(%a, %b) : f32[4] @torch
  return %c
}
)");
  Node *a = g->findNamed("a");
  ASSERT_EQ(a->region(), 0);
  ASSERT_EQ(g->findNamed("b")->region(), 1);
  auto out = conversionsOf(*g, OpKind::FromTorch, a);
  ASSERT_EQ(out.size(), 1u); // shared by p and region 1
  EXPECT_EQ(out[0]->region(), 0);
  auto in = conversionsOf(*g, OpKind::ToTorch, out[0]);
  ASSERT_EQ(in.size(), 1u); // used by b and c, converted once
  EXPECT_EQ(in[0]->region(), 1);
  EXPECT_EQ(in[0]->users().size(), 2u);
  EXPECT_EQ(checkConversions(*g), "");
  EXPECT_TRUE(verifyGraph(*g).empty());
}

TEST(InsertConversions, PureGraphIsUntouchedAndRerunsChangeNothing) {
  auto g = parseGraph(R"(
graph g(%x: f32[4]) {
  %a = relu(%x) : f32[4] @pure
  return %a
}
)");
  std::string before = g->str();
  EXPECT_FALSE(InsertConversionsPass().run(*g));
  EXPECT_EQ(g->str(), before);

  auto h = converted(R"(
graph g(%x: f32[4]) {
  %a = relu(%x) : f32[4] @torch
  %b = neg(%a) : f32[4] @pure
  %c = exp(%b) : f32[4] @torch
  return %a, %c
}
)");
  std::string once = h->str();
  EXPECT_FALSE(InsertConversionsPass().run(*h));
  EXPECT_EQ(h->str(), once);
  EXPECT_EQ(nodesOf(*h, OpKind::ToTorch).size(), 2u);
  EXPECT_EQ(nodesOf(*h, OpKind::FromTorch).size(), 2u);
}

TEST(InsertConversions, OutputUsedTwiceGetsOneFromTorch) {
  auto g = converted(R"(
graph g(%x: f32[4]) {
  %a = relu(%x) : f32[4] @torch
  return %a, %a
}
)");
  auto out = nodesOf(*g, OpKind::FromTorch);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(g->outputs().at(0), out[0]);
  EXPECT_EQ(g->outputs().at(1), out[0]);
}

TEST(InsertConversions, FullPipelineOnRandomDagsKeepsEveryInvariant) {
  for (uint32_t seed = 0; seed < 1000; ++seed) {
    test::RandomDagSpec spec;
    spec.nodes = 5 + static_cast<int>(seed % 40);
    spec.window = 2 + static_cast<int>(seed % 7);
    auto g = test::randomDag(seed, spec);
    PassManager pm; // verifies after every changing pass
    pm.add<MergeRegionsPass>(structural());
    pm.add<InsertConversionsPass>();
    pm.run(*g);
    ASSERT_EQ(checkConversions(*g), "") << "seed " << seed << "\n" << g->str();
    ASSERT_EQ(test::checkRegionGraphAcyclic(*g), "") << "seed " << seed;
    ASSERT_EQ(test::checkRegionsConnected(*g), "") << "seed " << seed;
    ASSERT_TRUE(verifyGraph(*g).empty()) << "seed " << seed;
  }
}

TEST(InsertConversions, PartitionPipelineRunsEndToEnd) {
  auto g = parseGraph(R"(
graph mlp(%x: f32[512,512]) params(%w1: f32[512,512], %w2: f32[512,512]) {
  %0 = matmul(%x, %w1) : f32[512,512]
  %1 = matmul(%0, %w2) : f32[512,512]
  %y = relu(%1) : f32[512,512]
  return %y
}
)");
  PassManager pm;
  PartitionOptions opts = structural();
  opts.mode = Mode::Auto;
  addPartitionPasses(pm, opts);
  EXPECT_EQ(pm.passNames(), (std::vector<std::string>{"annotate-cost", "partition", "merge-regions",
                                                      "insert-conversions", "fuse-elementwise"}));
  pm.run(*g);
  // Both matmuls in one region: x, w1, w2 in, the second matmul out; relu pure.
  EXPECT_EQ(test::regionCount(*g), 1);
  EXPECT_EQ(nodesOf(*g, OpKind::ToTorch).size(), 3u);
  EXPECT_EQ(nodesOf(*g, OpKind::FromTorch).size(), 1u);
  EXPECT_EQ(g->findNamed("y")->backend(), Backend::Pure);
  EXPECT_EQ(checkConversions(*g), "");
}

} // namespace
} // namespace duet
