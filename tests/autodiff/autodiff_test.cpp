//===- tests/autodiff/autodiff_test.cpp - every gradient rule vs finite differences ===//
#include "backends/pure/interpreter.h"
#include "ir/error.h"
#include "ir/verifier.h"
#include "passes/autodiff.h"
#include "tests/autodiff/grad_check.h"

#include <fmt/format.h>

#include <cmath>
#include <set>

namespace duet::test {
namespace {

std::vector<GradCase> allCases() {
  std::vector<GradCase> all = elementwiseGradCases();
  for (auto part : {structuralGradCases(), nnGradCases()})
    all.insert(all.end(), part.begin(), part.end());
  return all;
}

// One test per family, not per case: CTest runs each test in its own
// process, and a process linked with LibTorch takes ~1 s to start. A failure
// names its case (SCOPED_TRACE in checkCase).
TEST(FiniteDifferences, Elementwise) {
  for (const GradCase &c : elementwiseGradCases())
    checkCase(c);
}

TEST(FiniteDifferences, ContractionsReductionsMovement) {
  for (const GradCase &c : structuralGradCases())
    checkCase(c);
}

TEST(FiniteDifferences, ConvPoolNormIndexLoss) {
  for (const GradCase &c : nnGradCases())
    checkCase(c);
}

TEST(AutodiffRegistry, EveryOpHasARuleOrSaysWhyNot) {
  for (const OpInfo &info : allOps()) {
    std::string why;
    bool rule = isDifferentiable(info.kind, &why);
    EXPECT_TRUE(rule || !why.empty()) << info.name << " has neither a rule nor a reason";
    EXPECT_TRUE(!rule || why.empty()) << info.name;
  }
  std::string why;
  EXPECT_FALSE(isDifferentiable(OpKind::Argmax, &why));
  EXPECT_EQ(why, "its result is an i64 index");
  EXPECT_FALSE(isDifferentiable(OpKind::Lt));
  EXPECT_TRUE(isDifferentiable(OpKind::Conv2d));
}

TEST(AutodiffRegistry, EveryRuleIsCheckedByFiniteDifferences) {
  std::set<OpKind> covered;
  for (const GradCase &c : allCases())
    covered.insert(c.ops.begin(), c.ops.end());
  for (const OpInfo &info : allOps()) {
    if (isDifferentiable(info.kind)) {
      EXPECT_TRUE(covered.count(info.kind)) << info.name << " has no gradient check";
    }
  }
}

//===- hand-checked values ------------------------------------------------===//

/// Builds f over inputs, differentiates sum(f) and returns the gradient
/// values (f64).
struct Hand {
  Graph g;
  std::map<const Node *, Buffer> feeds;
  Node *in(Shape s, std::vector<double> v, DType t = DType::F64) {
    Node *n = g.addInput(fmt::format("x{}", feeds.size()), {t, s});
    Buffer b = Buffer::allocate(n->type());
    for (size_t i = 0; i < v.size(); ++i) {
      if (t == DType::F64)
        b.data<double>()[i] = v[i];
      else if (t == DType::F32)
        b.data<float>()[i] = float(v[i]);
      else
        b.data<int64_t>()[i] = int64_t(v[i]);
    }
    feeds[n] = b;
    return n;
  }
  Node *op(OpKind k, std::vector<Node *> ins, Attributes a = {}) {
    return g.addChecked(k, std::move(ins), std::move(a));
  }
  std::vector<std::vector<double>> grads(Node *out, std::vector<Node *> wrt) {
    Node *loss = out->type().rank() == 0 ? out : op(OpKind::Sum, {out});
    std::vector<Node *> gs = buildGradients(g, loss, wrt);
    EXPECT_NO_THROW(verifyOrThrow(g)) << g.str();
    auto values = evaluate(g.nodes(), feeds);
    std::vector<std::vector<double>> r;
    for (Node *n : gs)
      r.push_back(values.at(n).toDoubles());
    return r;
  }
};

using V = std::vector<double>;

TEST(AutodiffValues, TiesFollowTorch) {
  Hand h;
  Node *a = h.in({3}, {1, 2, 3}), *b = h.in({3}, {1, 5, 0});
  // maximum: a tie splits the gradient, the loser gets nothing.
  auto g = h.grads(h.op(OpKind::Maximum, {a, b}), {a, b});
  EXPECT_EQ(g[0], (V{0.5, 0, 1}));
  EXPECT_EQ(g[1], (V{0.5, 1, 0}));
  Hand m;
  Node *x = m.in({2, 3}, {4, 1, 4, 2, 2, 2});
  Attributes axes;
  axes.set("axes", std::vector<int64_t>{1});
  // amax: shared evenly among the maxima of each row.
  EXPECT_EQ(m.grads(m.op(OpKind::Max, {x}, axes), {x})[0],
            (V{0.5, 0, 0.5, 1. / 3, 1. / 3, 1. / 3}));
}

TEST(AutodiffValues, KinksFollowTorch) {
  Hand h;
  Node *x = h.in({4}, {-1, 0, 0.5, 2});
  Attributes c;
  c.set("min", 0.0);
  c.set("max", 0.5);
  EXPECT_EQ(h.grads(h.op(OpKind::Relu, {x}), {x})[0], (V{0, 0, 1, 1}));
  Hand h2;
  Node *y = h2.in({4}, {-1, 0, 0.5, 2});
  EXPECT_EQ(h2.grads(h2.op(OpKind::Abs, {y}), {y})[0], (V{-1, 0, 1, 1}));
  Hand h3;
  Node *z = h3.in({4}, {-1, 0, 0.5, 2});
  // clamp passes the gradient on the closed interval [min, max].
  EXPECT_EQ(h3.grads(h3.op(OpKind::Clamp, {z}, c), {z})[0], (V{0, 1, 1, 0}));
}

TEST(AutodiffValues, PowAtZero) {
  Hand h;
  Node *a = h.in({3}, {0, 0, 2}), *b = h.in({3}, {0, 2, 3});
  auto g = h.grads(h.op(OpKind::Pow, {a, b}), {a, b});
  // d/da: 0 where b == 0, b*a^(b-1) elsewhere; d/db: 0 where a == 0 and b >= 0.
  EXPECT_EQ(g[0], (V{0, 0, 12}));
  EXPECT_EQ(g[1][0], 0);
  EXPECT_EQ(g[1][1], 0);
  EXPECT_DOUBLE_EQ(g[1][2], 8 * std::log(2.0));
}

TEST(AutodiffValues, ReuseAccumulatesAndBroadcastSums) {
  Hand h;
  Node *x = h.in({2, 3}, {1, 2, 3, 4, 5, 6}), *b = h.in({3}, {1, 1, 1});
  // d/dx sum(x*x + x*b) = 2x + b; d/db = column sums of x.
  Node *y = h.op(OpKind::Add, {h.op(OpKind::Mul, {x, x}), h.op(OpKind::Mul, {x, b})});
  auto g = h.grads(y, {x, b});
  EXPECT_EQ(g[0], (V{3, 5, 7, 9, 11, 13}));
  EXPECT_EQ(g[1], (V{5, 7, 9}));
}

TEST(AutodiffValues, CastCarriesTheGradientBetweenFloatTypes) {
  Hand h;
  Node *x = h.in({2}, {1.5, -2}, DType::F32);
  Node *w = h.in({2}, {3, 0.25});
  Attributes to64;
  to64.set("dtype", std::string("f64"));
  auto g = h.grads(h.op(OpKind::Mul, {h.op(OpKind::Cast, {x}, to64), w}), {x});
  EXPECT_EQ(g[0], (V{3, 0.25}));
  Hand k;
  Node *y = k.in({2}, {1.5, -2});
  Attributes toI, back;
  toI.set("dtype", std::string("i64"));
  back.set("dtype", std::string("f64"));
  // Through an integer there is no gradient: only the direct use counts.
  Node *viaInt = k.op(OpKind::Cast, {k.op(OpKind::Cast, {y}, toI)}, back);
  EXPECT_EQ(k.grads(k.op(OpKind::Add, {viaInt, y}), {y})[0], (V{1, 1}));
}

TEST(AutodiffValues, UnrelatedAndIntegerPathsGetZeros) {
  Hand h;
  Node *x = h.in({3}, {1, 5, 2}), *unused = h.in({2}, {7, 7});
  Attributes axis;
  axis.set("axis", int64_t{0});
  // argmax(x) selects a row of w: the loss depends on x only through an index.
  Node *w = h.in({3, 2}, {1, 2, 3, 4, 5, 6});
  Node *idx = h.op(OpKind::Argmax, {x}, axis);
  Node *row = h.op(OpKind::Embedding, {h.op(OpKind::Reshape, {idx},
                                            [] {
                                              Attributes a;
                                              a.set("shape", std::vector<int64_t>{1});
                                              return a;
                                            }()),
                                       w});
  auto g = h.grads(row, {x, unused, w});
  EXPECT_EQ(g[0], (V{0, 0, 0}));
  EXPECT_EQ(g[1], (V{0, 0}));
  EXPECT_EQ(g[2], (V{0, 0, 1, 1, 0, 0}));
}

TEST(AutodiffErrors, NamesTheProblem) {
  Hand h;
  Node *x = h.in({2}, {1, 2});
  Node *i = h.in({2}, {1, 2}, DType::I64);
  Node *loss = h.op(OpKind::Sum, {x});
  auto errorOf = [&](auto f) {
    try {
      f();
    } catch (const Error &e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_NE(errorOf([&] { buildGradients(h.g, loss, {i}); }).find("only float values"),
            std::string::npos);
  EXPECT_NE(errorOf([&] { buildGradients(h.g, x, {x}); }).find("one element"), std::string::npos);
  Graph other;
  Node *stranger = other.addInput("s", {DType::F64, {}});
  EXPECT_NE(errorOf([&] { buildGradients(h.g, loss, {stranger}); }).find("not a node"),
            std::string::npos);
  // A path through a gradient op: second order is not supported.
  Node *gg = h.op(OpKind::GeluGrad, {x, x});
  std::string msg = errorOf([&] { buildGradients(h.g, h.op(OpKind::Sum, {gg}), {x}); });
  EXPECT_NE(msg.find("gelu_grad"), std::string::npos) << msg;
  EXPECT_NE(msg.find("second-order"), std::string::npos) << msg;
}

TEST(AutodiffPassTest, AppendsNamedGradientOutputs) {
  Graph g("fit");
  Node *x = g.addInput("x", {DType::F64, {4, 3}});
  Node *w = g.addParam("w", {DType::F64, {2, 3}});
  Node *b = g.addParam("b", {DType::F64, {2}});
  Node *idx = g.addParam("steps", {DType::I64, {}});
  (void)idx;
  Node *y = g.addChecked(OpKind::Linear, {x, w, b});
  g.setOutputs({g.addChecked(OpKind::Mean, {g.addChecked(OpKind::Mul, {y, y})})});
  AutodiffPass pass;
  ASSERT_TRUE(pass.run(g));
  EXPECT_NO_THROW(verifyOrThrow(g));
  ASSERT_EQ(g.outputs().size(), 3u);
  EXPECT_EQ(g.outputs()[1]->name(), "grad_w");
  EXPECT_EQ(g.outputs()[2]->name(), "grad_b");
  EXPECT_EQ(g.outputs()[1]->type(), w->type());
  // d/db mean(y^2) = 2/8 * column sums of y; with x = 1 and w = 0, y = b.
  std::map<const Node *, Buffer> feeds = {{x, Buffer::full(x->type(), 1.0)},
                                          {w, Buffer::full(w->type(), 0.0)},
                                          {b, Buffer::fromVector<double>({2}, {1, -2})},
                                          {idx, Buffer::full(idx->type(), 0)}};
  auto values = evaluate(g.nodes(), feeds);
  EXPECT_EQ(values.at(g.outputs()[2]).toDoubles(), (V{1, -2}));
  EXPECT_EQ(values.at(g.outputs()[1]).toDoubles(), (V{1, 1, 1, -2, -2, -2}));

  Graph none;
  none.setOutputs({none.addInput("z", {DType::F64, {}})});
  EXPECT_FALSE(AutodiffPass().run(none));
  AutodiffOptions opts;
  opts.wrt = {"nope"};
  EXPECT_THROW(AutodiffPass(opts).run(g), Error);
}

} // namespace
} // namespace duet::test
