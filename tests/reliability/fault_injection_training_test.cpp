//===- tests/reliability/fault_injection_training_test.cpp - torch failing while training ===//
//
// A whole training run (an MLP on synthetic blobs, Adam, several epochs) with
// torch regions made to fail at random: the per-step losses and the final
// parameters must be those of a clean run, because every failed region re-runs
// on the pure interpreter, and the fallbacks must be counted. Skipped in a
// build without LibTorch.
//
#include "reliability_util.h"

#include "backends/torch_backend.h"
#include "frontend/data/dataset.h"
#include "frontend/nn/layers.h"
#include "frontend/nn/trainer.h"
#include "frontend/ops.h"

#include <gtest/gtest.h>

#include <cmath>

namespace duet::reliability {
namespace {

struct TrainingRun {
  std::vector<double> losses; // one per step
  ParamStore finalState;
  int64_t fallbacks = 0;
  int64_t regionRuns = 0;
};

TrainingRun train(double failureProbability) {
  setTorchFailureInjection(failureProbability, 77);
  auto model = std::make_shared<nn::Sequential>(std::vector<std::shared_ptr<nn::Module>>{
      std::make_shared<nn::Linear>(4, 32), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Linear>(32, 32), std::make_shared<nn::Tanh>(),
      std::make_shared<nn::Linear>(32, 3)});
  nn::TrainerOptions opts;
  opts.seed = 3;
  opts.compile.mode = Mode::Torch;
  nn::Trainer t(model, nn::crossEntropyLoss, std::make_shared<optim::Adam>(0.01), opts);
  data::Dataset d = data::blobs(64, 3, 0.7, 9); // 192 rows of 2 features
  // Widen to 4 features so the first layer is a real matmul.
  Buffer x = Buffer::allocate(DType::F32, {d.x.shape()[0], 4});
  for (int64_t i = 0; i < d.x.shape()[0]; ++i)
    for (int64_t j = 0; j < 4; ++j)
      x.template data<float>()[i * 4 + j] = d.x.template data<float>()[i * 2 + j % 2] * float(j + 1);
  data::Dataset wide{x, d.y};
  data::DataLoader dl(wide, {32, true, 5, false});
  TrainingRun run;
  ::testing::internal::CaptureStderr(); // the one fallback warning per plan
  for (int epoch = 0; epoch < 4; ++epoch) {
    dl.reset();
    data::Batch batch;
    while (dl.next(batch)) {
      run.losses.push_back(t.step(batch.x, batch.y).loss);
      const RunStats &s = t.stepProgram(batch.x.type(), batch.y.type()).stats();
      run.regionRuns += s.regions;
      run.fallbacks = s.fallbacks; // cumulative per plan; one plan here
    }
  }
  ::testing::internal::GetCapturedStderr();
  run.finalState = t.modelState();
  setTorchFailureInjection(0.0);
  return run;
}

TEST(FaultInjectionTraining, RandomTorchFailuresGiveTheCleanRunsLosses) {
  if (!torchBackend())
    GTEST_SKIP() << "built without LibTorch: no torch regions to fail";
  TrainingRun clean = train(0.0);
  TrainingRun faulty = train(0.3);
  ASSERT_EQ(clean.losses.size(), faulty.losses.size());
  ASSERT_EQ(clean.losses.size(), 24u); // 4 epochs x 6 batches
  EXPECT_EQ(clean.fallbacks, 0);
  std::printf("[   INFO   ] %lld of %lld region runs fell back over %zu training steps\n",
              static_cast<long long>(faulty.fallbacks), static_cast<long long>(faulty.regionRuns),
              faulty.losses.size());
  EXPECT_GT(faulty.fallbacks, 0);
  EXPECT_LT(faulty.fallbacks, faulty.regionRuns);
  // Eigen and torch sum in different orders: equal up to float rounding,
  // which four epochs of Adam amplify only slightly.
  for (size_t i = 0; i < clean.losses.size(); ++i)
    EXPECT_NEAR(faulty.losses[i], clean.losses[i], 1e-4 * std::max(1.0, clean.losses[i]))
        << "step " << i;
  EXPECT_LT(clean.losses.back(), 0.5 * clean.losses.front()); // it did train
  ASSERT_EQ(faulty.finalState.size(), clean.finalState.size());
  for (const auto &[name, b] : clean.finalState)
    EXPECT_LE(maxRelDiff(faulty.finalState.at(name), b), 1e-3) << name;
}

} // namespace
} // namespace duet::reliability
