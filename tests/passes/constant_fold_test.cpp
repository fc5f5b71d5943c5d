//===- tests/passes/constant_fold_test.cpp - folding preserves values ------===//
//
// Differential checks: the pure interpreter runs each graph before and after
// constant-fold (+dce) on inputs that include -0.0, NaN and infinities; the
// outputs must be bit-identical.
//
#include "backends/pure/interpreter.h"
#include "ir/graph.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "passes/constant_fold.h"
#include "passes/dce.h"
#include "passes/pass_manager.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <unordered_map>

namespace duet {
namespace {

/// Runs every node with the pure interpreter; sources by name from `feeds`.
std::vector<Buffer> evaluate(const Graph &g, const std::map<std::string, Buffer> &feeds) {
  std::unordered_map<const Node *, Buffer> values;
  for (const Node *n : g.nodes()) {
    if (n->op() == OpKind::Input || n->op() == OpKind::Param) {
      values[n] = feeds.at(n->name());
      continue;
    }
    std::vector<Buffer> operands;
    for (const Node *in : n->inputs())
      operands.push_back(values.at(in));
    values[n] = evalPureNode(*n, operands);
  }
  std::vector<Buffer> outs;
  for (const Node *o : g.outputs())
    outs.push_back(values.at(o));
  return outs;
}

void expectBitIdentical(const std::vector<Buffer> &a, const std::vector<Buffer> &b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].type(), b[i].type()) << "output " << i;
    EXPECT_EQ(std::memcmp(a[i].raw(), b[i].raw(), a[i].nbytes()), 0)
        << "output " << i << " differs";
  }
}

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Runs constant-fold + dce and checks values did not change; returns the
/// folded graph's text.
std::string foldAndCompare(const std::string &text, const std::map<std::string, Buffer> &feeds) {
  std::unique_ptr<Graph> g = parseGraph(text);
  std::vector<Buffer> before = evaluate(*g, feeds);
  PassManager pm;
  pm.add<ConstantFoldPass>().add<DcePass>();
  pm.run(*g);
  std::vector<Buffer> after = evaluate(*g, feeds);
  expectBitIdentical(before, after);
  return printGraph(*g);
}

TEST(ConstantFold, IdentitiesAreBitExact) {
  std::string folded = foldAndCompare(
      R"(
graph f(%x: f32[2,3], %k: i64[2,3]) {
  %pz = constant() {value=[0.0]} : f32[3]
  %nz = constant() {value=[-0.0]} : f32[]
  %one = constant() {value=[1.0]} : f32[2,3]
  %ione = constant() {value=[1.0]} : i64[]
  %izero = constant() {value=[0.0]} : i64[3]
  %a = add(%x, %nz) : f32[2,3]
  %b = sub(%a, %pz) : f32[2,3]
  %c = mul(%one, %b) : f32[2,3]
  %d = div(%c, %one) : f32[2,3]
  %e = reshape(%d) {shape=[6]} : f32[6]
  %f = reshape(%e) {shape=[3,-1]} : f32[3,2]
  %g = transpose(%f) {dim0=0, dim1=1} : f32[2,3]
  %h = transpose(%g) {dim0=1, dim1=0} : f32[3,2]
  %kept = add(%x, %pz) : f32[2,3]
  %i1 = mul(%k, %ione) : i64[2,3]
  %i2 = add(%izero, %i1) : i64[2,3]
  %i3 = div(%i2, %ione) : i64[2,3]
  return %h, %kept, %i3
}
)",
      {{"x", Buffer::fromVector<float>({2, 3}, {-0.0f, 0.0f, NAN, INFINITY, -INFINITY, 1e30f})},
       {"k", Buffer::fromVector<int64_t>({2, 3}, {0, -1, 7, INT64_MAX, INT64_MIN, 3})}});
  // Everything but %kept and the one reshape collapsed.
  EXPECT_NE(folded.find("%f = reshape(%x) {shape=[3,-1]} : f32[3,2]"), std::string::npos) << folded;
  EXPECT_NE(folded.find("%kept = add(%x, %pz)"), std::string::npos) << folded;
  EXPECT_NE(folded.find("return %f, %kept, %k"), std::string::npos) << folded;
}

TEST(ConstantFold, FoldedValuesMatchTheInterpreter) {
  std::string folded = foldAndCompare(R"(
graph f(%x: f64[3]) {
  %a = constant() {value=[0.1,0.2,0.3]} : f64[3]
  %b = constant() {value=[3.0]} : f64[3]
  %c = div(%a, %b) : f64[3]
  %d = exp(%c) : f64[3]
  %s = constant() {value=[0.1,0.2,0.7]} : f32[3]
  %t = sigmoid(%s) : f32[3]
  %u = cast(%t) {dtype="f64"} : f64[3]
  %y = add(%x, %d) : f64[3]
  %z = mul(%y, %u) : f64[3]
  return %z
}
)",
                                      {{"x", Buffer::fromVector<double>({3}, {1.0, -2.0, 0.5})}});
  EXPECT_EQ(folded.find("exp"), std::string::npos) << folded;
  EXPECT_EQ(folded.find("sigmoid"), std::string::npos) << folded;
  EXPECT_NE(folded.find("%d = constant()"), std::string::npos) << folded;
  // And the folded value is what the interpreter computes, exactly (the
  // attribute text round-trips through parse).
  std::unique_ptr<Graph> g = parseGraph(folded);
  EXPECT_EQ(printGraph(*g), folded);
}

TEST(ConstantFold, SizeKnob) {
  const char *text = R"(
graph f() {
  %a = constant() {value=[1.0,2.0,3.0,4.0]} : f32[4]
  %b = neg(%a) : f32[4]
  %c = constant() {value=[1.0,2.0,3.0,4.0,5.0]} : f32[5]
  %d = neg(%c) : f32[5]
  return %b, %d
}
)";
  std::unique_ptr<Graph> g = parseGraph(text);
  ConstantFoldPass small(4);
  EXPECT_TRUE(small.run(*g));
  std::string out = printGraph(*g);
  EXPECT_NE(out.find("%b = constant() {value=[-1.0,-2.0,-3.0,-4.0]} : f32[4]"), std::string::npos)
      << out;
  EXPECT_NE(out.find("%d = neg(%c)"), std::string::npos) << out;

  g = parseGraph(text);
  ConstantFoldPass none(0);
  EXPECT_FALSE(none.run(*g));
}

TEST(ConstantFold, LeavesIntegersAFloatListCannotHold) {
  std::unique_ptr<Graph> g = parseGraph(R"(
graph f() {
  %big = constant() {value=[9007199254740992.0]} : i64[1]
  %one = constant() {value=[2.0]} : i64[1]
  %a = add(%big, %one) : i64[1]
  %b = sub(%big, %one) : i64[1]
  return %a, %b
}
)");
  ConstantFoldPass pass;
  EXPECT_TRUE(pass.run(*g)); // %b = 2^53 - 2 fits; %a = 2^53 + 2 does not
  std::string out = printGraph(*g);
  EXPECT_NE(out.find("%a = add(%big, %one)"), std::string::npos) << out;
  EXPECT_NE(out.find("%b = constant() {value=[9007199254740990.0]}"), std::string::npos) << out;
}

} // namespace
} // namespace duet
