//===- tests/nn/model_test.cpp - attention model, CNN modes, progress -----===//
#include "frontend/nn/fit.h"
#include "frontend/nn/layers.h"
#include "frontend/ops.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

using namespace duet;
using namespace duet::nn;

namespace {

// tokens i64 [N, L] -> embedding -> self-attention -> layer norm -> GELU ->
// mean over L -> linear to 2 classes.
struct TinyTransformer : Module {
  TinyTransformer() {
    emb = registerModule("emb", std::make_shared<Embedding>(6, 8));
    attn = registerModule("attn", std::make_shared<MultiheadSelfAttention>(8, 2));
    norm = registerModule("norm", std::make_shared<LayerNorm>(8));
    head = registerModule("head", std::make_shared<Linear>(8, 2));
  }
  Tensor forward(ForwardContext &ctx, const Tensor &tokens) override {
    Tensor h = emb->forward(ctx, tokens);
    h = gelu(norm->forward(ctx, h + attn->forward(ctx, h)));
    return head->forward(ctx, mean(h, {1}));
  }
  std::shared_ptr<Embedding> emb;
  std::shared_ptr<MultiheadSelfAttention> attn;
  std::shared_ptr<LayerNorm> norm;
  std::shared_ptr<Linear> head;
};

TrainerOptions withMode(Mode m) {
  TrainerOptions o;
  o.compile.mode = m;
  return o;
}

} // namespace

TEST(NnModel, AttentionModelFitsAToyTask) {
  // Label: does token 5 occur in the sequence?
  std::vector<int64_t> tok, lab;
  for (int64_t i = 0; i < 16; ++i) {
    bool has = i % 2 == 0;
    for (int64_t j = 0; j < 4; ++j)
      tok.push_back(has && j == i % 4 ? 5 : (i + j) % 5);
    lab.push_back(has ? 1 : 0);
  }
  Buffer x = Buffer::fromVector<int64_t>({16, 4}, tok), y = Buffer::fromVector<int64_t>({16}, lab);
  Trainer t(std::make_shared<TinyTransformer>(), crossEntropyLoss,
            std::make_shared<optim::Adam>(0.02), withMode(Mode::Pure));
  double first = t.step(x, y).loss, last = first;
  StepResult r;
  for (int i = 0; i < 60; ++i)
    r = t.step(x, y);
  last = r.loss;
  EXPECT_LT(last, 0.2 * first);
  EXPECT_EQ(r.correct, 16);
  EXPECT_EQ(t.params().count("attn.out_proj.weight"), 1u);
}

TEST(NnModel, CnnStepPureAndTorchAgree) {
  auto make = [] {
    return std::make_shared<Sequential>(std::vector<std::shared_ptr<Module>>{
        std::make_shared<Conv2d>(1, 3, 3, 1, 1), std::make_shared<BatchNorm2d>(3),
        std::make_shared<ReLU>(), std::make_shared<AvgPool2d>(2), std::make_shared<Flatten>(),
        std::make_shared<Linear>(12, 2)});
  };
  Buffer x = Buffer::allocate(DType::F32, {4, 1, 4, 4});
  for (int64_t i = 0; i < x.numel(); ++i)
    x.data<float>()[i] = float(std::cos(0.7 * double(i)));
  Buffer y = Buffer::fromVector<int64_t>({4}, {1, 0, 0, 1});
  Trainer p(make(), crossEntropyLoss, std::make_shared<optim::SGD>(0.1, 0.9), withMode(Mode::Pure));
  std::unique_ptr<Trainer> t;
  double lt = 0;
  try {
    t = std::make_unique<Trainer>(make(), crossEntropyLoss, std::make_shared<optim::SGD>(0.1, 0.9),
                                  withMode(Mode::Torch));
    lt = t->step(x, y).loss;
  } catch (const Error &e) {
    GTEST_SKIP() << "no torch backend: " << e.what();
  }
  EXPECT_NEAR(p.step(x, y).loss, lt, 1e-5);
  EXPECT_NEAR(p.step(x, y).loss, t->step(x, y).loss, 1e-5);
  for (const auto &[name, buf] : p.params()) {
    std::vector<double> a = buf.toDoubles(), b = t->params().at(name).toDoubles();
    for (size_t i = 0; i < a.size(); ++i)
      EXPECT_NEAR(a[i], b[i], 1e-5) << name << "[" << i << "]";
  }
}

TEST(NnModel, ProgressLineOnTerminalAndErrors) {
  data::Dataset d = data::blobs(10, 2, 0.5, 0);
  auto model = std::make_shared<Linear>(2, 2);
  Trainer t(model, crossEntropyLoss, std::make_shared<optim::SGD>(0.1), withMode(Mode::Pure));
  data::DataLoader dl(d, {5, false, 0, false});
  std::ostringstream log;
  FitOptions fo;
  fo.epochs = 2;
  fo.log = &log;
  fo.tty = true;
  fit(t, dl, fo);
  std::string s = log.str();
  EXPECT_NE(s.find("\repoch 1 [##########..........] 2/4 loss"), std::string::npos) << s;
  EXPECT_NE(s.find("epoch 2/2: loss"), std::string::npos) << s;
  data::DataLoader empty(d, {50, false, 0, true}); // drop_last leaves nothing
  EXPECT_THROW(fit(t, empty, fo), Error);
  ParamStore bad = t.modelState();
  bad.erase("bias");
  EXPECT_THROW(t.loadModelState(bad), Error);
  bad["bias"] = Buffer::full({DType::F32, {3}}, 0);
  EXPECT_THROW(t.loadModelState(bad), Error);
}
