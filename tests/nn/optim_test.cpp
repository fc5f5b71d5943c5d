//===- tests/nn/optim_test.cpp - optimizer steps vs hand-computed ---------===//
#include "frontend/nn/layers.h"
#include "frontend/nn/trainer.h"
#include "frontend/ops.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace duet;

namespace {

// y = w * x elementwise, w f64 [2] starting at {0.5, -1}.
struct Scale : nn::Module {
  Scale() {
    registerParameter("w", {DType::F64, {2}}, [](const TensorType &, std::mt19937_64 &) {
      return Buffer::fromVector<double>({2}, {0.5, -1});
    });
  }
  Tensor forward(nn::ForwardContext &ctx, const Tensor &x) override { return param(ctx, "w") * x; }
};

const std::vector<double> kX{1.0, 2.0}, kY{2.0, 1.0};

// d/dw mean((w x - y)^2) = (w x - y) x (mean over 2 elements cancels the 2).
std::vector<double> gradAt(const std::vector<double> &w) {
  return {(w[0] * kX[0] - kY[0]) * kX[0], (w[1] * kX[1] - kY[1]) * kX[1]};
}

std::vector<double> trainSteps(std::shared_ptr<optim::Optimizer> opt, int steps) {
  nn::TrainerOptions o;
  o.compile.mode = Mode::Pure;
  nn::Trainer t(std::make_shared<Scale>(), nn::mseLoss, std::move(opt), o);
  Buffer x = Buffer::fromVector<double>({2}, kX), y = Buffer::fromVector<double>({2}, kY);
  for (int i = 0; i < steps; ++i)
    t.step(x, y);
  return t.params().at("w").toDoubles();
}

// lr goes through an f32 scalar input; 1e-7 relative covers that rounding.
void expectNear(const std::vector<double> &a, const std::vector<double> &b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i)
    EXPECT_NEAR(a[i], b[i], 1e-6 * std::max(1.0, std::abs(b[i]))) << i;
}

} // namespace

TEST(NnOptim, SgdMomentumWeightDecay) {
  double lr = 0.1, mu = 0.9, wd = 0.01;
  std::vector<double> w{0.5, -1}, buf{0, 0};
  for (int s = 0; s < 3; ++s) {
    std::vector<double> g = gradAt(w);
    for (int i = 0; i < 2; ++i) {
      double d = g[i] + wd * w[i];
      buf[i] = s == 0 ? d : mu * buf[i] + d;
      w[i] -= lr * buf[i];
    }
  }
  expectNear(trainSteps(std::make_shared<optim::SGD>(lr, mu, wd), 3), w);
  // Plain SGD, one step.
  std::vector<double> g = gradAt({0.5, -1});
  expectNear(trainSteps(std::make_shared<optim::SGD>(0.05), 1),
             {0.5 - 0.05 * g[0], -1 - 0.05 * g[1]});
}

TEST(NnOptim, AdamAndAdamW) {
  for (bool decoupled : {false, true}) {
    double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.1;
    std::vector<double> w{0.5, -1}, m{0, 0}, v{0, 0};
    for (int s = 1; s <= 3; ++s) {
      std::vector<double> g = gradAt(w);
      for (int i = 0; i < 2; ++i) {
        if (decoupled)
          w[i] *= 1 - lr * wd;
        else
          g[i] += wd * w[i];
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        double mh = m[i] / (1 - std::pow(b1, s)), vh = v[i] / (1 - std::pow(b2, s));
        w[i] -= lr * mh / (std::sqrt(vh) + eps);
      }
    }
    std::shared_ptr<optim::Optimizer> opt =
        decoupled ? std::make_shared<optim::AdamW>(lr, b1, b2, eps, wd)
                  : std::make_shared<optim::Adam>(lr, b1, b2, eps, wd);
    SCOPED_TRACE(decoupled ? "AdamW" : "Adam");
    expectNear(trainSteps(opt, 3), w);
  }
}

TEST(NnOptim, Schedules) {
  auto s = optim::stepLr(1.0, 2, 0.5);
  EXPECT_DOUBLE_EQ(s(0), 1.0);
  EXPECT_DOUBLE_EQ(s(1), 1.0);
  EXPECT_DOUBLE_EQ(s(2), 0.5);
  EXPECT_DOUBLE_EQ(s(5), 0.25);
  auto c = optim::cosineLr(1.0, 10, 0.1);
  EXPECT_DOUBLE_EQ(c(0), 1.0);
  EXPECT_NEAR(c(5), 0.55, 1e-12);
  EXPECT_NEAR(c(10), 0.1, 1e-12);
  EXPECT_THROW(optim::stepLr(1, 0), Error);
}
