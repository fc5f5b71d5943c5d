//===- tests/autodiff/frontend_test.cpp - duet::grad, backward(), training programs ===//
#include "backends/torch_backend.h"
#include "frontend/frontend.h"
#include "frontend/record.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace duet;

namespace {

using V = std::vector<double>;

TEST(FrontendGrad, LooseTensorsGetLazyGradients) {
  TraceScope scope;
  Tensor x = fromVector<double>({3}, {1, -2, 3});
  Tensor w = fromVector<double>({3}, {0.5, 2, -1});
  Tensor loss = sum(x * x * w); // d/dx = 2 x w, d/dw = x^2
  std::vector<Tensor> g = grad(loss, {x, w});
  ASSERT_EQ(g.size(), 2u);
  EXPECT_FALSE(g[0].hasValue()); // recorded, not yet computed
  EXPECT_EQ(g[0].toVector<double>(), (V{1, -8, -6}));
  EXPECT_EQ(g[1].toVector<double>(), (V{1, 4, 9}));
}

TEST(FrontendGrad, BackwardStoresAndAccumulatesLeafGradients) {
  TraceScope scope;
  Tensor x = fromVector<double>({2}, {3, -1});
  Tensor b = fromVector<double>({2}, {1, 1});
  Tensor idx = fromVector<int64_t>({2}, {1, 0});
  Tensor h = x * b;
  Tensor loss = mean(h * h) + sum(cast(idx, DType::F64));
  EXPECT_FALSE(x.grad().defined());
  loss.backward();
  ASSERT_TRUE(x.grad().defined());
  EXPECT_EQ(x.grad().toVector<double>(), (V{3, -1})); // d/dx mean((xb)^2) = x b^2
  EXPECT_EQ(b.grad().toVector<double>(), (V{9, 1}));
  EXPECT_FALSE(idx.grad().defined()); // integers have no gradient
  EXPECT_FALSE(h.grad().defined());   // only leaves keep one
  loss.backward();                    // a second pass adds, as in PyTorch
  EXPECT_EQ(x.grad().toVector<double>(), (V{6, -2}));
}

TEST(FrontendGrad, ErrorsNameTheProblem) {
  TraceScope scope;
  Tensor x = fromVector<double>({2}, {1, 2});
  GraphBuilder other("other");
  Tensor y = other.input("y", DType::F64, {2});
  EXPECT_THROW(grad(sum(x), {y}), Error);
  EXPECT_THROW(grad(x, {x}), Error); // not a one-element loss
  EXPECT_THROW(Tensor().backward(), Error);
}

/// A two-layer classifier training step: outputs loss and the gradient of
/// every parameter.
struct TrainStep {
  GraphBuilder b{"step"};
  std::vector<std::string> names = {"w1", "b1", "cw", "w2", "b2"};
  std::vector<Tensor> params;
  Tensor loss;
  std::vector<Tensor> grads;

  TrainStep() {
    Tensor x = b.input("x", DType::F32, {8, 1, 4, 4});
    Tensor y = b.input("y", DType::I64, {8});
    Tensor cw = b.param("cw", DType::F32, {3, 1, 3, 3});
    Tensor w1 = b.param("w1", DType::F32, {6, 12});
    Tensor b1 = b.param("b1", DType::F32, {6});
    Tensor w2 = b.param("w2", DType::F32, {3, 6});
    Tensor b2 = b.param("b2", DType::F32, {3});
    params = {w1, b1, cw, w2, b2};
    Tensor c = max_pool2d(conv2d(x, cw, Tensor(), {.padding = {1, 1}}), {2, 2});
    Tensor h = gelu(linear(reshape(c, {8, 12}), w1, b1));
    loss = cross_entropy(linear(h, w2, b2), y);
    grads = grad(loss, params);
  }
  Program build(Mode mode) {
    CompileOptions opts = defaultCompileOptions();
    opts.mode = mode;
    opts.strict = true; // a failing torch region is an error, not a silent fallback
    std::vector<Tensor> outs = {loss};
    outs.insert(outs.end(), grads.begin(), grads.end());
    return b.build(outs, opts);
  }
};

/// Inputs: class = which quadrant of the 4x4 image is bright (3 classes).
std::vector<Buffer> batch() {
  Buffer x = Buffer::allocate(DType::F32, {8, 1, 4, 4}), y = Buffer::allocate(DType::I64, {8});
  for (int64_t n = 0; n < 8; ++n) {
    int64_t cls = n % 3;
    y.data<int64_t>()[n] = cls;
    for (int64_t i = 0; i < 16; ++i) {
      int64_t r = i / 4, c = i % 4;
      bool bright = cls == 0 ? r < 2 : cls == 1 ? (r >= 2 && c < 2) : (r >= 2 && c >= 2);
      x.data<float>()[n * 16 + i] = (bright ? 1.0f : -0.5f) + 0.1f * float((n * 7 + i) % 5);
    }
  }
  return {x, y};
}

TEST(FrontendGrad, TrainingStepProgramLearnsWithSgd) {
  TrainStep step;
  Program prog = step.build(Mode::Pure);
  ParamStore params = initParams(prog.graph(), 7);
  std::vector<Buffer> data = batch();
  double first = 0, last = 0;
  for (int it = 0; it < 60; ++it) {
    std::vector<Buffer> outs = prog.run(data, params);
    last = outs[0].at(0);
    if (it == 0)
      first = last;
    for (size_t p = 0; p < step.names.size(); ++p) {
      Buffer next = params[step.names[p]].clone();
      for (int64_t i = 0; i < next.numel(); ++i)
        next.data<float>()[i] -= 0.5f * float(outs[p + 1].at(i));
      params[step.names[p]] = next;
    }
  }
  EXPECT_LT(last, 0.25 * first) << "loss " << first << " -> " << last;
}

TEST(FrontendGrad, TorchAndAutoModesComputeTheSameGradients) {
  if (!torchBackend())
    GTEST_SKIP() << "built without LibTorch";
  TrainStep step;
  Program pure = step.build(Mode::Pure);
  ParamStore params = initParams(pure.graph(), 3);
  std::vector<Buffer> data = batch();
  std::vector<Buffer> want = pure.run(data, params);
  for (Mode mode : {Mode::Torch, Mode::Auto}) {
    SCOPED_TRACE(std::string(modeName(mode)));
    Program prog = step.build(mode);
    std::vector<Buffer> got = prog.run(data, params);
    if (mode == Mode::Torch) {
      EXPECT_GT(prog.stats().torchNodes, 0);
    }
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      ASSERT_EQ(got[i].type(), want[i].type());
      double scale = 1e-6;
      for (int64_t k = 0; k < want[i].numel(); ++k)
        scale = std::max(scale, std::abs(want[i].at(k)));
      for (int64_t k = 0; k < want[i].numel(); ++k)
        EXPECT_NEAR(got[i].at(k), want[i].at(k), 1e-4 * scale)
            << "output " << i << " element " << k;
    }
  }
}

TEST(FrontendGrad, TorchModeKeepsUnsafeMaxPoolGradientsOnPure) {
  if (!torchBackend())
    GTEST_SKIP() << "built without LibTorch";
  // Rows {-1, 1} of a one-row image: the window lies wholly in the padding.
  GraphBuilder b("pool");
  Tensor x = b.input("x", DType::F32, {1, 1, 1, 3});
  Tensor g = b.input("g", DType::F32, {1, 1, 1, 2});
  Attributes a;
  a.set("kernel", std::vector<int64_t>{2, 2});
  a.set("dilation", std::vector<int64_t>{2, 2});
  a.set("padding", std::vector<int64_t>{1, 1});
  Tensor dx = record(OpKind::MaxPool2dGrad, {g, x}, a);
  CompileOptions opts = defaultCompileOptions();
  opts.mode = Mode::Torch;
  opts.strict = true;
  Program prog = b.build({dx}, opts);
  std::vector<Buffer> out = prog.run({Buffer::fromVector<float>({1, 1, 1, 3}, {1, 2, 3}),
                                      Buffer::fromVector<float>({1, 1, 1, 2}, {5, 7})});
  EXPECT_EQ(out[0].toDoubles(), (V{0, 0, 0}));
  EXPECT_EQ(prog.stats().torchNodes, 0);
}

} // namespace
