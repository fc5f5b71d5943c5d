//===- bench/training_step_bench.cpp - one training step: duet vs LibTorch ===//
//
// The Fashion-MNIST demo MLP (784-256-128-10, cross-entropy, batch 64, as in
// examples/train_fashion_mnist.cpp) trained with plain SGD: the time of one
// Trainer step (forward, loss, backward, update: one compiled graph) in each
// mode, against LibTorch eager doing the same step (ATen forward, torch's
// autograd backward, p -= lr * grad; TorchBackend::referenceSgdTrainer), in
// one process so the ratios are comparable. The demo itself uses Adam; SGD
// here keeps both sides' updates identical.
//
//   training_step_bench --benchmark_min_time=0.5
//
#include "loss_graph.h"
#include "bench_util.h"

#include "backends/runtime/plan.h"
#include "backends/runtime/run_stats.h"
#include "frontend/nn/layers.h"
#include "frontend/nn/trainer.h"
#include "frontend/optim/optimizer.h"
#include "frontend/program.h"

namespace duet::bench {
namespace {

constexpr int64_t kBatch = 64;
constexpr double kLr = 0.05;

std::shared_ptr<nn::Module> demoMlp() {
  return std::make_shared<nn::Sequential>(std::vector<std::shared_ptr<nn::Module>>{
      std::make_shared<nn::Linear>(784, 256), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Linear>(256, 128), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Linear>(128, 10)});
}

/// A seeded batch: pixels in [0, 1), labels in [0, 10).
std::pair<Buffer, Buffer> batch() {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<float> u01(0.f, 1.f);
  Buffer x = Buffer::allocate(DType::F32, {kBatch, 784});
  Buffer y = Buffer::allocate(DType::I64, {kBatch});
  for (int64_t i = 0; i < x.numel(); ++i)
    x.data<float>()[i] = u01(rng);
  for (int64_t i = 0; i < kBatch; ++i)
    y.data<int64_t>()[i] = static_cast<int64_t>(rng() % 10);
  return {x, y};
}

void duetStep(benchmark::State &state, Mode mode) {
  if (mode != Mode::Pure && !torchBackend()) {
    state.SkipWithError("no torch backend in this build");
    return;
  }
  nn::TrainerOptions opts;
  opts.compile.mode = mode;
  nn::Trainer trainer(demoMlp(), nn::crossEntropyLoss, std::make_shared<optim::SGD>(kLr), opts);
  auto [x, y] = batch();
  double loss0 = trainer.step(x, y).loss, loss = loss0; // compiles the step
  for (auto _ : state)
    loss = trainer.step(x, y).loss;
  const RunStats &s = trainer.stepProgram(x.type(), y.type()).plan().stats();
  state.counters["first_loss"] = loss0;
  state.counters["last_loss"] = loss;
  state.counters["pure_nodes"] = static_cast<double>(s.pureNodes);
  state.counters["torch_nodes"] = static_cast<double>(s.torchNodes);
  state.counters["regions"] = static_cast<double>(s.regions);
  state.counters["fallbacks"] = static_cast<double>(s.fallbacks);
  state.SetItemsProcessed(state.iterations() * kBatch);
}

void libtorchEagerStep(benchmark::State &state) {
  if (!torchBackend()) {
    state.SkipWithError("no torch backend in this build");
    return;
  }
  auto model = demoMlp();
  auto [x, y] = batch();
  LossGraph lg = crossEntropyLossGraph(*model, x, y);
  const std::unique_ptr<Graph> &g = lg.graph;
  auto trainer = torchBackend()->referenceSgdTrainer(*g, lg.params, kLr);
  std::vector<Buffer> inputs{x, y};
  double loss0 = trainer->step(inputs), loss = loss0;
  for (auto _ : state)
    loss = trainer->step(inputs);
  state.counters["first_loss"] = loss0;
  state.counters["last_loss"] = loss;
  state.counters["graph_nodes"] = static_cast<double>(g->nodes().size());
  state.SetItemsProcessed(state.iterations() * kBatch);
}

int registerAll() {
  addContext();
  benchmark::RegisterBenchmark("BM_TrainStep/mlp784/pure",
                               [](benchmark::State &s) { duetStep(s, Mode::Pure); });
  benchmark::RegisterBenchmark("BM_TrainStep/mlp784/torch",
                               [](benchmark::State &s) { duetStep(s, Mode::Torch); });
  benchmark::RegisterBenchmark("BM_TrainStep/mlp784/auto",
                               [](benchmark::State &s) { duetStep(s, Mode::Auto); });
  benchmark::RegisterBenchmark("BM_TrainStep/mlp784/libtorch_eager", libtorchEagerStep);
  return 0;
}
const int registered = registerAll();

} // namespace
} // namespace duet::bench

BENCHMARK_MAIN();
