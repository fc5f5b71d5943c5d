//===- tests/passes/cse_test.cpp - cse on long constants -------------------===//
//
// Long constant data is hashed rather than spelled out in cse's key; equality
// must still be exact.
//
#include "ir/graph.h"
#include "ir/printer.h"
#include "passes/cse.h"

#include <gtest/gtest.h>

namespace duet {
namespace {

Node *constant(Graph &g, std::vector<double> values, std::string name) {
  Attributes a;
  int64_t n = static_cast<int64_t>(values.size());
  a.set("value", std::move(values));
  return g.addNode(OpKind::Constant, {}, a, {DType::F32, {n}}, std::move(name));
}

TEST(Cse, LongConstantsMergeOnlyWhenEqual) {
  std::vector<double> data(40);
  for (size_t i = 0; i < data.size(); ++i)
    data[i] = 0.25 * static_cast<double>(i);
  std::vector<double> other = data;
  other.back() += 1.0;
  std::vector<double> negZero = data;
  negZero.front() = -0.0; // 0.0 vs -0.0 in one place

  Graph g("f");
  Node *a = constant(g, data, "a");
  Node *b = constant(g, data, "b");
  Node *c = constant(g, other, "c");
  Node *d = constant(g, negZero, "d");
  g.setOutputs({a, b, c, d});

  CsePass cse;
  EXPECT_TRUE(cse.run(g));
  ASSERT_EQ(g.outputs().size(), 4u);
  EXPECT_EQ(g.outputs()[0], a);
  EXPECT_EQ(g.outputs()[1], a);
  EXPECT_EQ(g.outputs()[2], c);
  EXPECT_EQ(g.outputs()[3], d);
  EXPECT_EQ(g.size(), 3u);
  EXPECT_FALSE(cse.run(g));
}

TEST(Cse, SplatEqualsItsSpelledOutForm) {
  Graph g("f");
  Node *a = constant(g, std::vector<double>(20, 1.5), "a");
  Attributes s;
  s.set("value", std::vector<double>{1.5});
  Node *b = g.addNode(OpKind::Constant, {}, s, {DType::F32, {20}}, "b");
  g.setOutputs({b, a});
  CsePass cse;
  EXPECT_TRUE(cse.run(g));
  EXPECT_EQ(g.outputs()[0], a);
  EXPECT_EQ(g.outputs()[1], a);
}

} // namespace
} // namespace duet
