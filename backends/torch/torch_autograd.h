//===- backends/torch/torch_autograd.h - LibTorch autograd references -*- C++ -*-===//
//
// Internal to backends/torch/: what TorchBackend::referenceGradients and
// referenceSgdTrainer do (see backends/torch_backend.h).
//
#pragma once

#include "backends/torch_backend.h"

#include <memory>
#include <span>
#include <vector>

namespace duet::torchops {

std::vector<Buffer> referenceGradients(const Graph &g, std::span<const Buffer> values,
                                       const std::vector<const Node *> &wrt);

std::unique_ptr<ReferenceSgdTrainer> referenceSgdTrainer(const Graph &g,
                                                         std::span<const Buffer> initial,
                                                         double lr);
std::unique_ptr<ReferenceSgdTrainer> referenceAdamTrainer(const Graph &g,
                                                          std::span<const Buffer> initial,
                                                          double lr, double beta1, double beta2,
                                                          double eps);

} // namespace duet::torchops
