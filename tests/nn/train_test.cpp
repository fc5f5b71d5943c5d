//===- tests/nn/train_test.cpp - whole training steps and loops -----------===//
#include "frontend/nn/checkpoint.h"
#include "frontend/nn/fit.h"
#include "frontend/nn/layers.h"
#include "frontend/ops.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

using namespace duet;
using namespace duet::nn;

namespace {

std::shared_ptr<Sequential> mlp(int64_t in, int64_t hidden, int64_t out) {
  return std::make_shared<Sequential>(std::vector<std::shared_ptr<Module>>{
      std::make_shared<Linear>(in, hidden), std::make_shared<Tanh>(),
      std::make_shared<Linear>(hidden, hidden), std::make_shared<ReLU>(),
      std::make_shared<Linear>(hidden, out)});
}

TrainerOptions pureOpts(uint64_t seed = 0) {
  TrainerOptions o;
  o.compile.mode = Mode::Pure;
  o.seed = seed;
  return o;
}

} // namespace

TEST(NnTrain, MlpLearnsSpirals) {
  data::Dataset train = data::spirals(150, 2, 0.05, 3);
  Trainer t(mlp(2, 64, 2), crossEntropyLoss, std::make_shared<optim::Adam>(0.01), pureOpts(1));
  data::DataLoader dl(train, {32, true, 5, false});
  std::ostringstream log;
  FitOptions fo;
  fo.epochs = 200;
  fo.log = &log;
  std::vector<EpochStats> st = fit(t, dl, fo);
  EXPECT_LT(st.back().loss, 0.5 * st.front().loss);
  double acc = evaluateAccuracy(t, train);
  EXPECT_GT(acc, 0.9) << log.str();
  EXPECT_NE(log.str().find("epoch 200/200: loss"), std::string::npos);
  EXPECT_EQ(t.stepCount(), 200 * 10);
}

TEST(NnTrain, SgdOnBlobsWithScheduleAndCheckpoint) {
  data::Dataset train = data::blobs(60, 3, 0.6, 4);
  Trainer t(mlp(2, 16, 3), crossEntropyLoss, std::make_shared<optim::SGD>(0.1, 0.9, 1e-4),
            pureOpts(2));
  data::DataLoader dl(train, {30, true, 1, true});
  FitOptions fo;
  fo.epochs = 8;
  fo.schedule = optim::cosineLr(0.1, 8);
  fo.checkpoint = std::string(DUET_BINARY_DIR) + "/nn_fit_test.safetensors";
  std::vector<EpochStats> st = fit(t, dl, fo);
  EXPECT_NEAR(st[4].lr, optim::cosineLr(0.1, 8)(4), 1e-12);
  EXPECT_GT(evaluateAccuracy(t, train), 0.95);
  // The checkpoint holds exactly the model state and restores predictions.
  ParamStore ck = loadSafetensors(fo.checkpoint);
  EXPECT_EQ(ck.size(), 6u);
  EXPECT_TRUE(ck.count("4.bias"));
  Trainer fresh(mlp(2, 16, 3), crossEntropyLoss, std::make_shared<optim::SGD>(0.1), pureOpts(9));
  data::Batch probe{data::gatherRows(train.x, {0, 70, 150}), Buffer()};
  EXPECT_NE(fresh.predict(probe.x).toDoubles(), t.predict(probe.x).toDoubles());
  fresh.loadModelState(ck);
  EXPECT_EQ(fresh.predict(probe.x).toDoubles(), t.predict(probe.x).toDoubles());
  std::remove(fo.checkpoint.c_str());
}

TEST(NnTrain, SameSeedSameRunAndDropoutIsSeeded) {
  auto run = [](uint64_t seed) {
    auto m = std::make_shared<Sequential>(std::vector<std::shared_ptr<Module>>{
        std::make_shared<Linear>(2, 8), std::make_shared<ReLU>(), std::make_shared<Dropout>(0.3),
        std::make_shared<Linear>(8, 2)});
    Trainer t(m, crossEntropyLoss, std::make_shared<optim::SGD>(0.1), pureOpts(seed));
    data::Dataset d = data::blobs(8, 2, 0.5, 0);
    std::vector<double> losses;
    for (int i = 0; i < 3; ++i)
      losses.push_back(t.step(d.x, d.y).loss);
    return losses;
  };
  EXPECT_EQ(run(5), run(5));
  EXPECT_NE(run(5), run(6));
}

TEST(NnTrain, CnnWithBatchNormUpdatesRunningStats) {
  auto cnn = std::make_shared<Sequential>(std::vector<std::shared_ptr<Module>>{
      std::make_shared<Conv2d>(1, 2, 3, 1, 1), std::make_shared<BatchNorm2d>(2),
      std::make_shared<ReLU>(), std::make_shared<MaxPool2d>(2), std::make_shared<Flatten>(),
      std::make_shared<Linear>(8, 2)});
  Trainer t(cnn, crossEntropyLoss, std::make_shared<optim::AdamW>(0.01), pureOpts());
  Buffer x = Buffer::allocate(DType::F32, {4, 1, 4, 4});
  for (int64_t i = 0; i < x.numel(); ++i)
    x.data<float>()[i] = float(std::sin(double(i)));
  Buffer y = Buffer::fromVector<int64_t>({4}, {0, 1, 0, 1});
  double first = t.step(x, y).loss;
  EXPECT_NE(t.params().at("1.running_mean").toDoubles(), (std::vector<double>{0, 0}));
  EXPECT_NE(t.params().at("1.running_var").toDoubles(), (std::vector<double>{1, 1}));
  EXPECT_TRUE(t.params().count("optim.0.weight.exp_avg_sq"));
  EXPECT_FALSE(t.params().count("optim.1.running_mean.exp_avg"));
  double last = first;
  for (int i = 0; i < 20; ++i)
    last = t.step(x, y).loss;
  EXPECT_LT(last, first);
  EXPECT_EQ(t.predict(x).shape(), (Shape{4, 2}));
}

TEST(NnTrain, PureAndTorchAgreeOnATrainingStep) {
  data::Dataset d = data::spirals(16, 2, 0.1, 0);
  TrainerOptions po = pureOpts(3), to = pureOpts(3);
  to.compile.mode = Mode::Torch;
  std::unique_ptr<Trainer> tt;
  try {
    tt = std::make_unique<Trainer>(mlp(2, 16, 2), crossEntropyLoss,
                                   std::make_shared<optim::Adam>(0.01), to);
    tt->step(d.x, d.y);
  } catch (const Error &e) {
    GTEST_SKIP() << "no torch backend: " << e.what();
  }
  Trainer p2(mlp(2, 16, 2), crossEntropyLoss, std::make_shared<optim::Adam>(0.01), po);
  Trainer t2(mlp(2, 16, 2), crossEntropyLoss, std::make_shared<optim::Adam>(0.01), to);
  for (int i = 0; i < 3; ++i) {
    double lp = p2.step(d.x, d.y).loss, lt = t2.step(d.x, d.y).loss;
    EXPECT_NEAR(lp, lt, 1e-5) << "step " << i;
  }
  for (const auto &[name, buf] : p2.params()) {
    std::vector<double> a = buf.toDoubles(), b = t2.params().at(name).toDoubles();
    for (size_t i = 0; i < a.size(); ++i)
      EXPECT_NEAR(a[i], b[i], 1e-5) << name << "[" << i << "]";
  }
}

// The Trainer writes a step's new state into the buffers the step before
// replaced (double buffering). Holding every step's state forces fresh
// buffers instead: both runs must agree exactly, and a held snapshot must
// never change under later steps.
TEST(NnTrain, ReusedStepBuffersChangeNothingAndSnapshotsStayPut) {
  data::Dataset train = data::blobs(40, 3, 0.6, 4);
  auto run = [&](bool holdSnapshots, std::vector<ParamStore> *held) {
    Trainer t(mlp(2, 16, 3), crossEntropyLoss, std::make_shared<optim::Adam>(0.05), pureOpts(7));
    data::DataLoader dl(train, {20, true, 3, false});
    std::vector<double> losses;
    for (int epoch = 0; epoch < 3; ++epoch) {
      dl.reset();
      data::Batch b;
      while (dl.next(b)) {
        losses.push_back(t.step(b.x, b.y).loss);
        if (holdSnapshots)
          held->push_back(t.params()); // shares the buffers: no reuse possible
      }
    }
    return std::make_pair(losses, t.modelState());
  };
  std::vector<ParamStore> held;
  auto [reusedLosses, reusedState] = run(false, nullptr);
  auto [freshLosses, freshState] = run(true, &held);
  EXPECT_EQ(reusedLosses, freshLosses);
  for (const auto &[name, b] : freshState)
    EXPECT_EQ(reusedState.at(name).toDoubles(), b.toDoubles()) << name;
  // Snapshots taken while training (deep-copied right away to compare) are
  // still what they were after the steps that followed.
  Trainer t(mlp(2, 16, 3), crossEntropyLoss, std::make_shared<optim::Adam>(0.05), pureOpts(7));
  data::DataLoader dl(train, {20, true, 3, false});
  data::Batch b;
  dl.reset();
  ASSERT_TRUE(dl.next(b));
  t.step(b.x, b.y);
  ParamStore snapshot = t.modelState();
  std::map<std::string, std::vector<double>> copy;
  for (const auto &[name, buf] : snapshot)
    copy[name] = buf.toDoubles();
  for (int i = 0; i < 4 && dl.next(b); ++i)
    t.step(b.x, b.y);
  for (const auto &[name, buf] : snapshot)
    EXPECT_EQ(buf.toDoubles(), copy[name]) << name;
  EXPECT_NE(t.modelState().at(copy.begin()->first).toDoubles(), copy.begin()->second);
}

TEST(NnTrain, StepsAlternateBetweenTwoSetsOfStateBuffers) {
  data::Dataset train = data::blobs(40, 3, 0.6, 4);
  Trainer t(mlp(2, 16, 3), crossEntropyLoss, std::make_shared<optim::Adam>(0.05), pureOpts(7));
  data::DataLoader dl(train, {20, false, 0, false});
  data::Batch b;
  dl.reset();
  std::vector<const void *> where; // the first layer's weight, after each step
  for (int i = 0; i < 5; ++i) {
    if (!dl.next(b)) {
      dl.reset();
      ASSERT_TRUE(dl.next(b));
    }
    t.step(b.x, b.y);
    where.push_back(t.params().at("0.weight").raw());
  }
  // Step 1 allocates; from step 2 on, step k+2 writes where step k did.
  EXPECT_NE(where[1], where[2]);
  EXPECT_EQ(where[2], where[4]);
}
