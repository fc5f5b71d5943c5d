//===- tests/pure/fused_tiles_test.cpp - register-resident tile code -------===//
//
// Programs of plain float math run as threaded tile code
// (backends/pure/fused_tiles.cpp), the rest of a block step by step. Random
// programs of every op the tile code has, over sizes with and without a
// tail, every operand source (the running value, a saved step, an operand
// block, a broadcast row, a scalar on either side) must agree with the
// node-by-node interpreter.
//
#include "fused_test_util.h"

#include "backends/pure/fused_plan.h"
#include "backends/pure/fused_tiles.h"
#include "passes/fuse_elementwise.h"

#include <fmt/format.h>

#include <random>

namespace duet {
namespace {

using namespace duet::test;

struct TileCase {
  Graph g;
  std::map<const Node *, Buffer> feeds;
  std::vector<Node *> inputs;

  TileCase(uint64_t seed, DType t) {
    std::mt19937_64 rng(seed);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
    const std::vector<Shape> sizes = {{128}, {1000}, {4133}, {3, 517}, {127}, {5}, {2, 64}};
    const Shape out = sizes[pick(static_cast<int>(sizes.size()))];
    std::vector<Node *> values;
    const int numInputs = 1 + pick(4);
    for (int k = 0; k < numInputs; ++k) {
      const int kind = k == 0 ? 0 : pick(3); // full, a broadcast row, a scalar
      const Shape s = kind == 0 ? out : kind == 1 ? Shape{out.back()} : Shape{};
      Node *in = g.addInput(fmt::format("x{}", k), {t, s});
      Buffer b = Buffer::allocate(in->type());
      std::uniform_real_distribution<double> u(-2.0, 2.0);
      for (int64_t i = 0; i < b.numel(); ++i) {
        const double v = pick(25) == 0 ? 0.0 : u(rng);
        if (t == DType::F32)
          b.data<float>()[i] = static_cast<float>(v);
        else
          b.data<double>()[i] = v;
      }
      feeds[in] = b;
      inputs.push_back(in);
      values.push_back(in);
    }
    const std::vector<OpKind> unary = {OpKind::Neg,  OpKind::Abs,   OpKind::Exp,     OpKind::Log,
                                       OpKind::Sqrt, OpKind::Rsqrt, OpKind::Sigmoid, OpKind::Relu,
                                       OpKind::LeakyRelu, OpKind::Clamp, OpKind::Tanh,
                                       OpKind::Gelu};
    const std::vector<OpKind> binary = {OpKind::Add, OpKind::Sub, OpKind::Mul,
                                        OpKind::Div, OpKind::Maximum, OpKind::Minimum};
    // Mostly the last value (a chain, kept in registers), sometimes an
    // older one (saved to memory) or an operand.
    auto operand = [&]() -> Node * {
      const int r = pick(10);
      if (r < 5)
        return values.back();
      return values[pick(static_cast<int>(values.size()))];
    };
    const int steps = 1 + pick(14);
    for (int s = 0; s < steps; ++s) {
      Node *v;
      if (pick(2) == 0) {
        // f64 tanh and erf are scalar in Eigen 3.4: no tile form.
        const int numUnary = static_cast<int>(unary.size()) - (t == DType::F64 ? 2 : 0);
        const OpKind op = unary[pick(numUnary)];
        Attributes a;
        if (op == OpKind::Clamp) {
          if (pick(3) != 0)
            a.set("min", -0.5);
          if (pick(3) != 0)
            a.set("max", pick(8) == 0 ? std::nan("") : 1.5);
        }
        if (op == OpKind::LeakyRelu)
          a.set("slope", 0.2);
        v = g.addChecked(op, {operand()}, a);
      } else {
        Node *x = operand(), *y = pick(8) == 0 ? x : operand();
        if (pick(2))
          std::swap(x, y);
        v = g.addChecked(binary[pick(static_cast<int>(binary.size()))], {x, y});
      }
      values.push_back(v);
    }
    if (values.back()->shape() != out) // the output has the full shape
      values.push_back(g.addChecked(OpKind::Add, {values.back(), inputs[0]}));
    g.addOutput(values.back());
  }
};

void checkTileCases(DType t) {
  int tiled = 0;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    TileCase c(seed, t);
    std::vector<Buffer> want = evalGraph(c.g, c.feeds);
    std::unique_ptr<Graph> fused = c.g.clone();
    FuseElementwisePass().run(*fused);
    std::map<const Node *, Buffer> feeds;
    for (const auto &[n, b] : c.feeds)
      feeds[fused->findNamed(n->name())] = b;
    // Every fused node's program must have tile code.
    std::vector<Buffer> value(fused->idBound());
    for (const Node *n : fused->nodes()) {
      if (n->op() == OpKind::Input) {
        value[n->id()] = feeds.at(n);
        continue;
      }
      std::vector<Buffer> in;
      for (const Node *i : n->inputs())
        in.push_back(value[i->id()]);
      if (n->op() == OpKind::FusedElementwise) {
        ASSERT_NE(pure::fusedPlanFor(*n, in)->tiles, nullptr)
            << "seed " << seed << ": no tile code for\n"
            << fused->str();
        tiled += n->type().numel() >= 128;
      }
      value[n->id()] = evalPureNode(*n, in);
    }
    std::vector<Buffer> got = evalGraph(*fused, feeds);
    ASSERT_TRUE(close(got[0], want[0])) << "seed " << seed << "\n"
                                        << c.g.str() << "fused:\n"
                                        << fused->str();
  }
  EXPECT_GT(tiled, 150); // most cases run whole tiles, not just the tail
}

TEST(FusedTiles, MatchUnfusedF32) { checkTileCases(DType::F32); }
TEST(FusedTiles, MatchUnfusedF64) { checkTileCases(DType::F64); }

TEST(FusedTiles, ProgramsWithoutAPacketFormRunStepByStep) {
  Graph g;
  Node *x = g.addInput("x", {DType::F32, {1000}});
  Node *y = g.addInput("y", {DType::F32, {1000}});
  Node *gt = g.addChecked(OpKind::Gt, {x, y});
  Node *w = g.addChecked(OpKind::Where, {gt, x, y});
  g.addOutput(g.addChecked(OpKind::Pow, {g.addChecked(OpKind::Abs, {w}), y}));
  std::map<const Node *, Buffer> feeds = {{x, ramp(DType::F32, {1000}, 1)},
                                          {y, ramp(DType::F32, {1000}, 2)}};
  std::vector<Buffer> want = evalGraph(g, feeds);
  std::unique_ptr<Graph> fused = g.clone();
  ASSERT_TRUE(FuseElementwisePass().run(*fused));
  const Node *node = fused->outputs()[0];
  ASSERT_EQ(node->op(), OpKind::FusedElementwise);
  const Node *fx = fused->findNamed("x"), *fy = fused->findNamed("y");
  std::vector<Buffer> in;
  for (const Node *i : node->inputs())
    in.push_back(i == fx ? feeds.at(x) : feeds.at(y));
  EXPECT_EQ(pure::fusedPlanFor(*node, in)->tiles, nullptr);
  std::vector<Buffer> got = evalGraph(*fused, {{fx, feeds.at(x)}, {fy, feeds.at(y)}});
  EXPECT_TRUE(close(got[0], want[0]));
}

} // namespace
} // namespace duet
