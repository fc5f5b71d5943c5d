//===- tests/tools/dump_dot_test.cpp - `duet dump` as Graphviz ------------===//
#include "dump_test_util.h"

#include <gtest/gtest.h>

#include <set>
#include <unistd.h>

namespace duet {
namespace {

using dumptest::count;
using dumptest::duet;
using dumptest::example;
using dumptest::lines;
using dumptest::Scratch;

constexpr const char *kBoundaryEdge = "color=\"#c0392b\", fontcolor=\"#c0392b\", penwidth=2.5";

bool haveDot() {
  const char *path = std::getenv("PATH");
  std::string rest = path ? path : "";
  size_t start = 0;
  while (start <= rest.size()) {
    size_t colon = rest.find(':', start);
    std::string dir = rest.substr(start, colon - start);
    if (!dir.empty() && ::access((dir + "/dot").c_str(), X_OK) == 0)
      return true;
    if (colon == std::string::npos)
      break;
    start = colon + 1;
  }
  return false;
}

TEST(DumpDot, RegionsAreClustersAndBoundaryEdgesAreHighlighted) {
  DUET_REQUIRE_TORCH();
  Scratch s;
  std::string profile = s.write("p.json", dumptest::flatProfile(1e-3, 1e-4));
  auto r = duet("dump " + example("mlp.duet") + " --no-fuse --mode auto --format dot --profile " +
                profile);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("digraph \"mlp\" {", 0), 0u);
  EXPECT_EQ(count(r.out, "subgraph cluster_region_"), 2u);
  EXPECT_EQ(count(r.out, "subgraph cluster_region_0 {"), 1u);
  EXPECT_EQ(count(r.out, "subgraph cluster_region_1 {"), 1u);
  // Crossings: %x, %w1 into region 0, its result out to the add; the relu
  // result and %w2 into region 1, its result out to the last add.
  EXPECT_EQ(count(r.out, kBoundaryEdge), 6u);
  EXPECT_EQ(count(r.out, "shape=hexagon"), 6u); // the conversions
  // Every boundary edge has a conversion at one end (conversions sit at the
  // region's edge), and carries the value's shape.
  std::set<std::string> conversionIds;
  for (const std::string &l : lines(r.out))
    if (l.find("shape=hexagon") != std::string::npos)
      conversionIds.insert(
          l.substr(l.find_first_not_of(' '), l.find(" [") - l.find_first_not_of(' ')));
  ASSERT_EQ(conversionIds.size(), 6u);
  for (const std::string &l : lines(r.out)) {
    if (l.find(kBoundaryEdge) == std::string::npos)
      continue;
    size_t arrow = l.find(" -> ");
    std::string from = l.substr(2, arrow - 2);
    std::string to = l.substr(arrow + 4, l.find(" [") - arrow - 4);
    EXPECT_TRUE(conversionIds.count(from) + conversionIds.count(to) == 1) << l;
    EXPECT_NE(l.find("label=\"f32["), std::string::npos) << l;
  }
  // Costs are in the labels.
  EXPECT_EQ(count(r.out, "pure 1.0ms | torch 100.0us"), 2u);
  // The summary is the graph's label.
  EXPECT_NE(r.out.find("estimated total    211.0us"), std::string::npos);
}

TEST(DumpDot, ConversionNodesSitInsideTheirRegion) {
  DUET_REQUIRE_TORCH();
  Scratch s;
  std::string profile = s.write("p.json", dumptest::flatProfile(1e-3, 1e-4));
  auto r = duet("dump " + example("mlp.duet") + " --no-fuse --mode auto --format dot --profile " +
                profile);
  ASSERT_EQ(r.code, 0) << r.err;
  // Between "subgraph cluster_region_0 {" and its closing "  }": 2 to_torch,
  // 1 matmul, 1 from_torch.
  size_t begin = r.out.find("subgraph cluster_region_0 {");
  size_t end = r.out.find("\n  }\n", begin);
  ASSERT_NE(begin, std::string::npos);
  std::string cluster = r.out.substr(begin, end - begin);
  EXPECT_EQ(count(cluster, "= to_torch"), 2u);
  EXPECT_EQ(count(cluster, "= from_torch"), 1u);
  EXPECT_EQ(count(cluster, "= matmul"), 1u);
  EXPECT_EQ(count(cluster, "= add"), 0u);
}

const char *kChain = R"(graph chain(%x: f32[8,8]) {
  %0 = relu(%x) : f32[8,8]
  %1 = exp(%0) : f32[8,8]
  %2 = add(%1, %x) : f32[8,8]
  %3 = tanh(%2) : f32[8,8]
  %y = neg(%3) : f32[8,8]
  return %y
}
)";

TEST(DumpDot, CollapseDrawsAnElementwiseChainAsOneBox) {
  Scratch s;
  std::string file = s.write("chain.duet", kChain);
  // --no-fuse: fusion would already make the chain one fused_elementwise node.
  auto collapsed = duet("dump " + file + " --mode pure --no-fuse --format dot --collapse");
  ASSERT_EQ(collapsed.code, 0) << collapsed.err;
  // relu -> exp -> add -> tanh -> neg: each the only user of the previous
  // (%y, the output, may end a chain; it just cannot continue one).
  EXPECT_EQ(count(collapsed.out, "5 elementwise ops"), 1u) << collapsed.out;
  EXPECT_EQ(count(collapsed.out, "relu -> exp -> add -> tanh -> neg"), 1u);
  EXPECT_EQ(count(collapsed.out, "= relu"), 0u);
  // Edges: %x feeds the chain twice (relu, add); nothing inside the chain.
  int edges = 0;
  for (const std::string &l : lines(collapsed.out))
    if ((l.rfind("  n", 0) == 0 || l.rfind("  chain", 0) == 0) && l.find(" -> ") < l.find('['))
      ++edges;
  EXPECT_EQ(edges, 2);
  EXPECT_EQ(count(collapsed.out, " -> chain"), 2u);

  auto plain = duet("dump " + file + " --mode pure --no-fuse --format dot --no-collapse");
  ASSERT_EQ(plain.code, 0) << plain.err;
  EXPECT_EQ(count(plain.out, "elementwise ops"), 0u);
  EXPECT_EQ(count(plain.out, "= relu"), 1u);
  EXPECT_EQ(count(plain.out, "label=\"f32[8,8]\""), 6u); // one per operand use
  // Small graphs are not collapsed unless asked.
  auto defaults = duet("dump " + file + " --mode pure --no-fuse --format dot");
  EXPECT_EQ(count(defaults.out, "elementwise ops"), 0u);
  // Fused (the default), the chain is one fused_elementwise node.
  auto fused = duet("dump " + file + " --mode pure --format dot");
  EXPECT_EQ(count(fused.out, "fused_elementwise"), 1u) << fused.out;
  EXPECT_EQ(count(fused.out, "= relu"), 0u);
}

TEST(DumpDot, SvgAndPngGoThroughGraphviz) {
  if (!haveDot())
    GTEST_SKIP() << "Graphviz's dot is not installed";
  Scratch s;
  std::string svg = s.file("mlp.svg"), png = s.file("mlp.png");
  auto r = duet("dump " + example("mlp.duet") + " --mode pure --format svg -o " + svg);
  ASSERT_EQ(r.code, 0) << r.err;
  std::string text = dumptest::slurp(svg);
  EXPECT_TRUE(text.rfind("<?xml", 0) == 0 || text.rfind("<svg", 0) == 0) << text.substr(0, 80);
  EXPECT_NE(text.find("</svg>"), std::string::npos);
  auto out = duet("dump " + example("mlp.duet") + " --mode pure --format svg");
  ASSERT_EQ(out.code, 0) << out.err;
  EXPECT_NE(out.out.find("<svg"), std::string::npos);
  auto p = duet("dump " + example("mlp.duet") + " --mode pure --format png -o " + png);
  ASSERT_EQ(p.code, 0) << p.err;
  EXPECT_EQ(dumptest::slurp(png).substr(1, 3), "PNG");
}

// Without --format, -o's extension picks the format (it used to write text
// into x.svg), and stdout says what was written.
TEST(DumpDot, FormatFollowsTheOutputExtension) {
  Scratch s;
  auto j = duet("dump " + example("mlp.duet") + " --mode pure -o " + s.file("g.json"));
  ASSERT_EQ(j.code, 0) << j.err;
  EXPECT_EQ(j.out, "wrote " + s.file("g.json") + " (json, from the extension)\n");
  EXPECT_EQ(dumptest::slurp(s.file("g.json")).substr(0, 1), "{");
  auto d = duet("dump " + example("mlp.duet") + " --mode pure -o " + s.file("g.dot"));
  ASSERT_EQ(d.code, 0) << d.err;
  EXPECT_EQ(dumptest::slurp(s.file("g.dot")).rfind("digraph", 0), 0u);
  auto t = duet("dump " + example("mlp.duet") + " --mode pure -o " + s.file("g.duet"));
  ASSERT_EQ(t.code, 0) << t.err;
  EXPECT_NE(dumptest::slurp(s.file("g.duet")).find("graph mlp("), std::string::npos);
  // An explicit --format wins over the extension.
  auto x = duet("dump " + example("mlp.duet") + " --mode pure --format dot -o " + s.file("h.json"));
  ASSERT_EQ(x.code, 0) << x.err;
  EXPECT_EQ(x.out, "wrote " + s.file("h.json") + " (dot)\n");
  if (!haveDot())
    return;
  auto v = duet("dump " + example("mlp.duet") + " --mode pure -o " + s.file("x.svg"));
  ASSERT_EQ(v.code, 0) << v.err;
  EXPECT_NE(dumptest::slurp(s.file("x.svg")).find("</svg>"), std::string::npos);
}

TEST(DumpDot, MissingGraphvizIsAClearError) {
  Scratch s;
  std::filesystem::create_directories(s.file("empty"));
  auto r = duet("dump " + example("mlp.duet") + " --mode pure --format svg -o " + s.file("x.svg"),
                "PATH='" + s.file("empty") + "'");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("Graphviz"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("not on PATH"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--format dot"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(s.file("x.svg")));
}

} // namespace
} // namespace duet
