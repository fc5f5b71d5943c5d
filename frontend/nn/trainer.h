//===- frontend/nn/trainer.h - one graph per training step ------*- C++ -*-===//
//
// The Trainer builds, for a batch type, one Program computing forward, loss,
// gradients (buildGradients) and the optimizer update, and runs it per
// batch. Parameters, BatchNorm buffers and optimizer state live in one
// ParamStore, replaced by the step's outputs after each run.
//
//   auto model = std::make_shared<nn::Sequential>(...);
//   nn::Trainer t(model, nn::crossEntropyLoss, std::make_shared<optim::Adam>(1e-3));
//   nn::StepResult r = t.step(batch.x, batch.y);
//
#pragma once

#include "frontend/dist/process_group.h"
#include "frontend/nn/module.h"
#include "frontend/optim/optimizer.h"
#include "ir/graph.h"

#include <functional>
#include <map>
#include <memory>
#include <random>

namespace duet::nn {

using LossFn = std::function<Tensor(const Tensor &output, const Tensor &target)>;

struct TrainerOptions {
  CompileOptions compile = defaultCompileOptions();
  /// Seeds the initial parameters and the dropout masks.
  uint64_t seed = 0;
  /// Data-parallel training: the training step all-reduces (averages) the
  /// gradients and the float buffer updates (BatchNorm statistics) over the
  /// group's ranks between the backward pass and the optimizer update, and
  /// the constructor copies rank 0's initial state to every rank. Null or a
  /// world of one: single-process training. Not owned; must outlive the Trainer.
  dist::ProcessGroup *distributed = nullptr;
};

struct StepResult {
  double loss = 0;
  /// Correct predictions (argmax of a [N,C] output against i64 labels [N]);
  /// -1 when the task is not classification.
  int64_t correct = -1;
  int64_t count = 0;
};

class Trainer {
public:
  Trainer(std::shared_ptr<Module> model, LossFn loss, std::shared_ptr<optim::Optimizer> opt,
          TrainerOptions opts = {});

  /// One training step on a batch; returns the loss before the update.
  StepResult step(const Buffer &x, const Buffer &y);
  /// The model's output in eval mode.
  Buffer predict(const Buffer &x);

  /// Parameters, buffers and optimizer state (by full name).
  ParamStore &params() { return params_; }
  const ParamStore &params() const { return params_; }
  /// Only the model's parameters and buffers (a PyTorch state_dict).
  ParamStore modelState() const;
  void loadModelState(const ParamStore &state);

  Module &model() { return *model_; }
  optim::Optimizer &optimizer() { return *opt_; }
  int64_t stepCount() const { return steps_; }
  /// The data-parallel group (null when training alone).
  dist::ProcessGroup *distributed() const { return opts_.distributed; }
  /// The compiled training step for these batch types (built on first use).
  const Program &stepProgram(const TensorType &x, const TensorType &y);

private:
  struct StepProgram {
    std::unique_ptr<Program> program;
    std::vector<std::string> inputs;  // in declaration order
    std::vector<Shape> uniformShapes; // for inputs named by uniform_
    std::map<std::string, size_t> uniform;
    std::vector<std::string> outputs; // names fed back, after loss (and correct)
    bool hasCorrect = false;
    /// The buffers the last step replaced, written by the next step when
    /// nothing else holds them (double buffering: no allocation per step).
    std::vector<Buffer> spare;
  };
  StepProgram &program(const TensorType &x, const TensorType &y);
  bool isDistributed() const;

  std::shared_ptr<Module> model_;
  LossFn loss_;
  std::shared_ptr<optim::Optimizer> opt_;
  TrainerOptions opts_;
  ParamStore params_;
  std::map<std::string, StepProgram> steps_cache_;
  std::map<std::string, std::unique_ptr<Program>> eval_cache_;
  std::mt19937_64 rng_;
  int64_t steps_ = 0;
};

} // namespace duet::nn
