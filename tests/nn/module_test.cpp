//===- tests/nn/module_test.cpp - parameter names, shapes, init -----------===//
#include "frontend/nn/layers.h"
#include "frontend/ops.h"
#include "ir/graph.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace duet;
using namespace duet::nn;

namespace {

std::vector<std::pair<std::string, Shape>> names(const Module &m) {
  std::vector<std::pair<std::string, Shape>> out;
  for (const ParamSpec &p : m.namedParameters())
    out.emplace_back(p.name, p.type.shape);
  return out;
}

struct Net : Module {
  Net() {
    fc1 = registerModule("fc1", std::make_shared<Linear>(4, 8));
    bn = registerModule("bn", std::make_shared<BatchNorm2d>(3));
    fc2 = registerModule("fc2", std::make_shared<Linear>(8, 2, false));
  }
  Tensor forward(ForwardContext &ctx, const Tensor &x) override {
    return fc2->forward(ctx, relu(fc1->forward(ctx, x)));
  }
  std::shared_ptr<Linear> fc1, fc2;
  std::shared_ptr<BatchNorm2d> bn;
};

Buffer run1(Module &m, const Buffer &x, const ParamStore &ps, bool training = false) {
  GraphBuilder b("t");
  Tensor xin = b.input("x", x.dtype(), x.shape());
  ForwardContext ctx(b, training);
  Tensor y = m.forward(ctx, xin);
  return b.build({y}).run({x}, ps).at(0);
}

} // namespace

TEST(NnModule, PyTorchNamesInSequentialAndNested) {
  Sequential seq(
      {std::make_shared<Linear>(4, 8), std::make_shared<ReLU>(), std::make_shared<Linear>(8, 3)});
  using V = std::vector<std::pair<std::string, Shape>>;
  EXPECT_EQ(names(seq),
            (V{{"0.weight", {8, 4}}, {"0.bias", {8}}, {"2.weight", {3, 8}}, {"2.bias", {3}}}));
  Net net;
  EXPECT_EQ(names(net), (V{{"fc1.weight", {8, 4}},
                           {"fc1.bias", {8}},
                           {"bn.weight", {3}},
                           {"bn.bias", {3}},
                           {"bn.running_mean", {3}},
                           {"bn.running_var", {3}},
                           {"fc2.weight", {2, 8}}}));
  // Nesting a Sequential under a name prefixes every child.
  Sequential outer;
  outer.add(std::make_shared<Sequential>(
      std::vector<std::shared_ptr<Module>>{std::make_shared<Conv2d>(1, 2, 3)}));
  EXPECT_EQ(names(outer), (V{{"0.0.weight", {2, 1, 3, 3}}, {"0.0.bias", {2}}}));
  MultiheadSelfAttention mha(8, 2);
  EXPECT_EQ(names(mha), (V{{"in_proj_weight", {24, 8}},
                           {"in_proj_bias", {24}},
                           {"out_proj.weight", {8, 8}},
                           {"out_proj.bias", {8}}}));
  Embedding emb(10, 4);
  EXPECT_EQ(names(emb), (V{{"weight", {10, 4}}}));
}

TEST(NnModule, InitRangesMatchPyTorch) {
  Linear fc(100, 50);
  ParamStore ps = fc.initParams(7);
  for (const char *n : {"weight", "bias"}) {
    std::vector<double> v = ps.at(n).toDoubles();
    double mx = 0;
    for (double d : v)
      mx = std::max(mx, std::abs(d));
    EXPECT_LE(mx, 0.1) << n;                        // 1/sqrt(100)
    EXPECT_GT(mx, n[0] == 'w' ? 0.099 : 0.08) << n; // fills the range
  }
  Conv2d conv(3, 4, 5); // fan_in 75
  std::vector<double> w = conv.initParams(1).at("weight").toDoubles();
  for (double d : w)
    EXPECT_LE(std::abs(d), 1 / std::sqrt(75.0));
  // Same seed, same values; another seed, other values.
  EXPECT_EQ(fc.initParams(7).at("weight").toDoubles(), ps.at("weight").toDoubles());
  EXPECT_NE(fc.initParams(8).at("weight").toDoubles(), ps.at("weight").toDoubles());
  BatchNorm2d bn(2);
  ParamStore b = bn.initParams(0);
  EXPECT_EQ(b.at("weight").toDoubles(), (std::vector<double>{1, 1}));
  EXPECT_EQ(b.at("running_var").toDoubles(), (std::vector<double>{1, 1}));
  EXPECT_EQ(b.at("bias").toDoubles(), (std::vector<double>{0, 0}));
}

TEST(NnModule, ForwardShapesAndLinearValues) {
  Sequential cnn({std::make_shared<Conv2d>(1, 4, 3, 1, 1), std::make_shared<BatchNorm2d>(4),
                  std::make_shared<ReLU>(), std::make_shared<MaxPool2d>(2),
                  std::make_shared<AvgPool2d>(2), std::make_shared<Flatten>(),
                  std::make_shared<Linear>(16, 5), std::make_shared<Dropout>(0.5)});
  Buffer x = Buffer::full({DType::F32, {2, 1, 8, 8}}, 0.5);
  ParamStore ps = cnn.initParams(3);
  EXPECT_EQ(run1(cnn, x, ps).shape(), (Shape{2, 5}));

  Linear fc(2, 1);
  ParamStore p{{"weight", Buffer::fromVector<float>({1, 2}, {2, -1})},
               {"bias", Buffer::fromVector<float>({1}, {0.5})}};
  Buffer y = run1(fc, Buffer::fromVector<float>({2, 2}, {1, 1, 3, 2}), p);
  EXPECT_EQ(y.toDoubles(), (std::vector<double>{1.5, 4.5}));

  MultiheadSelfAttention mha(4, 2);
  Buffer s = run1(mha, Buffer::full({DType::F32, {2, 3, 4}}, 0.1), mha.initParams(0));
  EXPECT_EQ(s.shape(), (Shape{2, 3, 4}));
  LayerNorm ln(4);
  Buffer l = run1(ln, Buffer::fromVector<float>({1, 4}, {1, 2, 3, 4}), ln.initParams(0));
  EXPECT_NEAR(l.at(0), -1.5 / std::sqrt(1.25 + 1e-5), 1e-5);
}

TEST(NnModule, BatchNormTrainUsesBatchStatsAndUpdatesRunningStats) {
  BatchNorm2d bn(1);
  GraphBuilder b("bn");
  Tensor xin = b.input("x", DType::F32, {2, 1, 1, 2});
  ForwardContext ctx(b, true);
  Tensor y = bn.forward(ctx, xin);
  ASSERT_EQ(ctx.stateUpdates().size(), 2u);
  Program p = b.build({y, ctx.stateUpdates()[0].second, ctx.stateUpdates()[1].second});
  std::vector<Buffer> o =
      p.run({Buffer::fromVector<float>({2, 1, 1, 2}, {1, 2, 3, 6})}, bn.initParams(0));
  // mean 3, biased var (4+1+0+9)/4 = 3.5, unbiased 14/3.
  EXPECT_NEAR(o[0].at(0), -2 / std::sqrt(3.5 + 1e-5), 1e-5);
  EXPECT_NEAR(o[1].at(0), 0.1 * 3, 1e-6);
  EXPECT_NEAR(o[2].at(0), 0.9 + 0.1 * 14.0 / 3, 1e-6);
}

TEST(NnModule, DropoutMasksFromUniformInput) {
  Dropout d(0.25);
  GraphBuilder b("d");
  Tensor xin = b.input("x", DType::F32, {4});
  ForwardContext ctx(b, true);
  Tensor y = d.forward(ctx, xin);
  ASSERT_EQ(ctx.uniformInputs().size(), 1u);
  EXPECT_EQ(ctx.uniformInputs()[0].first, "dropout_mask");
  Program p = b.build({y});
  std::vector<Buffer> o = p.run({Buffer::fromVector<float>({4}, {1, 2, 3, 4}),
                                 Buffer::fromVector<float>({4}, {0.1f, 0.5f, 0.2f, 0.9f})});
  std::vector<double> want{0, 2 / 0.75, 0, 4 / 0.75};
  for (size_t i = 0; i < 4; ++i)
    EXPECT_NEAR(o[0].at(int64_t(i)), want[i], 1e-6) << i;
  EXPECT_THROW(Dropout(1.0), Error);
}

TEST(NnModule, TrainEvalPropagatesToChildren) {
  Net net;
  EXPECT_TRUE(net.training());
  net.eval();
  EXPECT_FALSE(net.training());
  EXPECT_FALSE(net.bn->training());
  net.train();
  EXPECT_TRUE(net.fc2->training());
}
