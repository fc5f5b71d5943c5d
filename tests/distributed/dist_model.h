//===- tests/distributed/dist_model.h - the job every test trains -*- C++ -*-===//
//
// Shared by the rank program (worker/dist_worker.cpp) and the single-process
// reference in the tests, so both train exactly the same model on the same
// data from the same seed.
//
#pragma once

#include "frontend/data/dataset.h"
#include "frontend/nn/layers.h"
#include "frontend/nn/trainer.h"

#include <memory>

namespace duet::disttest {

inline data::Dataset dataset() { return data::blobs(96, 3, 0.8, 7); } // 288 samples, f32 [N,2]

inline std::shared_ptr<nn::Module> model() {
  using namespace duet::nn;
  return std::make_shared<Sequential>(std::vector<std::shared_ptr<Module>>{
      std::make_shared<Linear>(2, 32), std::make_shared<Tanh>(), std::make_shared<Linear>(32, 32),
      std::make_shared<ReLU>(), std::make_shared<Linear>(32, 3)});
}

inline std::shared_ptr<optim::Optimizer> optimizer() {
  return std::make_shared<optim::SGD>(0.1, 0.9);
}

inline constexpr uint64_t kSeed = 11;

/// The loader of rank `rank` of `world`, `batch` samples per rank.
inline data::DataLoaderOptions loaderOptions(int64_t batch, int rank, int world) {
  data::DataLoaderOptions o{batch, true, kSeed, false};
  o.rank = rank;
  o.worldSize = world;
  return o;
}

} // namespace duet::disttest
