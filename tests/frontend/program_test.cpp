//===- tests/frontend/program_test.cpp - define-then-run ------------------===//
#include "frontend/frontend.h"

#include "backends/runtime/plan_cache.h"
#include "ir/parser.h"

#include <gtest/gtest.h>

using namespace duet;

namespace {

struct Linear2 {
  // y = relu(x @ w + b) . sum over the last axis
  static std::vector<double> reference(const Buffer &x, const Buffer &w, const Buffer &b) {
    int64_t n = x.shape()[0], k = x.shape()[1], h = w.shape()[1];
    std::vector<double> out(n, 0.0);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < h; ++j) {
        double acc = b.at(j);
        for (int64_t p = 0; p < k; ++p)
          acc += x.at(i * k + p) * w.at(p * h + j);
        out[i] += acc > 0 ? acc : 0;
      }
    return out;
  }
};

Buffer filled(Shape shape, double base) {
  Buffer b = Buffer::allocate(DType::F32, std::move(shape));
  for (int64_t i = 0; i < b.numel(); ++i)
    b.data<float>()[i] = static_cast<float>(((i * 5 + 3) % 11) / 4.0 - 1.0 + base);
  return b;
}

TEST(Program, ReusedWithSeveralInputs) {
  GraphBuilder b("net");
  Tensor x = b.input("x", DType::F32, {3, 4});
  Tensor w = b.param("w", DType::F32, {4, 5});
  Tensor bias = b.param("b", DType::F32, {5});
  Tensor y = sum(relu(matmul(x, w) + bias), {1});
  b.setName(y, "y");
  Program prog = b.build({y});

  ParamStore params{{"w", filled({4, 5}, 0.1)}, {"b", filled({5}, -0.2)}};
  for (double base : {0.0, 0.5, -1.0}) {
    Buffer xb = filled({3, 4}, base);
    std::vector<Buffer> outs = prog.run({xb}, params);
    ASSERT_EQ(outs.size(), 1u);
    ASSERT_EQ(outs[0].shape(), (Shape{3}));
    std::vector<double> want = Linear2::reference(xb, params["w"], params["b"]);
    for (size_t i = 0; i < want.size(); ++i)
      EXPECT_NEAR(outs[0].at(i), want[i], 1e-5) << "base " << base << " row " << i;
  }
  EXPECT_EQ(prog.graph().outputs()[0]->name(), "y");
  EXPECT_GT(prog.stats().pureNodes + prog.stats().torchNodes, 0);
}

// "compiled once, cached by structure + shapes" (README): a second identical
// build reuses the plan, and every run records its time.
TEST(Program, IdenticalBuildsShareOneCompiledPlan) {
  auto build = [](const std::string &name, Shape xShape) {
    GraphBuilder b(name);
    Tensor x = b.input("x", DType::F32, std::move(xShape));
    Tensor w = b.param("w", DType::F32, {4, 5});
    return b.build({relu(matmul(x, w))});
  };
  globalPlanCache().clear();
  Program first = build("cached_net", {3, 4});
  Program second = build("cached_net", {3, 4});
  EXPECT_EQ(&first.plan(), &second.plan());
  EXPECT_EQ(globalPlanCache().hits(), 1);
  EXPECT_EQ(globalPlanCache().misses(), 1);
  Program otherShape = build("cached_net", {6, 4});
  EXPECT_NE(&otherShape.plan(), &first.plan());
  EXPECT_EQ(globalPlanCache().misses(), 2);

  ParamStore params{{"w", filled({4, 5}, 0.1)}};
  second.run({filled({3, 4}, 0.0)}, params);
  EXPECT_EQ(second.stats().planCacheHits, 1);
  EXPECT_GT(second.stats().totalSeconds, 0); // without setStepTiming
  EXPECT_EQ(second.stats().format().find("total:        -"), std::string::npos)
      << second.stats().format();
}

TEST(Program, BadFeedsNameTheProblem) {
  GraphBuilder b("net");
  Tensor x = b.input("x", DType::F32, {2});
  Tensor w = b.param("w", DType::F32, {2});
  Program prog = b.build({x * w});
  try {
    prog.run({Buffer::allocate(DType::F32, {2})}, {});
    FAIL() << "missing parameter accepted";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("w"), std::string::npos) << e.what();
  }
  ParamStore params{{"w", Buffer::allocate(DType::F32, {2})}};
  EXPECT_THROW(prog.run({Buffer::allocate(DType::F32, {3})}, params), Error);
  EXPECT_THROW(prog.run(std::span<const Buffer>{}, params), Error);
}

TEST(Program, GraphDropsDeadNodesAndRoundTripsThroughText) {
  GraphBuilder b("mlp");
  Tensor x = b.input("x", DType::F32, {2, 3});
  Tensor w = b.param("w1", DType::F32, {3, 4});
  Tensor unused = exp(x); // recorded, not needed by the output
  (void)unused;
  Tensor y = relu(matmul(x, w));
  std::unique_ptr<Graph> g = b.graph({y});
  for (const Node *n : g->nodes())
    EXPECT_NE(n->op(), OpKind::Exp);
  EXPECT_EQ(g->inputs().size(), 1u);
  EXPECT_EQ(g->params().size(), 1u);
  std::string text = printGraph(*g);
  EXPECT_NE(text.find("graph mlp"), std::string::npos) << text;
  std::unique_ptr<Graph> back = parseGraph(text, "built.duet");
  EXPECT_EQ(printGraph(*back), text);
  // The builder keeps everything it recorded.
  EXPECT_GT(b.trace().size(), g->size());
}

TEST(Program, OutputsMustBelongToTheBuilder) {
  GraphBuilder a("a"), b("b");
  Tensor x = a.input("x", DType::F32, {2});
  EXPECT_THROW(b.build({x}), Error);
  EXPECT_THROW(a.build({}), Error);
  EXPECT_THROW(b.setName(x, "y"), Error);
}

TEST(Program, ConstantsEmbedValues) {
  GraphBuilder b("c");
  Tensor x = b.input("x", DType::F64, {3});
  Tensor k = b.constant({3}, {1, 2, 3}, DType::F64);
  Program prog = b.build({x * k});
  Buffer xb = Buffer::full(TensorType{DType::F64, {3}}, 2.0);
  EXPECT_EQ(prog.run({xb})[0].toDoubles(), (std::vector<double>{2, 4, 6}));
  EXPECT_THROW(b.constant({3}, {1, 2}), Error);
}

} // namespace
