//===- frontend/nn/module.h - layers with named parameters ------*- C++ -*-===//
//
// A Module describes its parameters (name, type, initializer) and records
// its forward computation into a GraphBuilder through a ForwardContext.
// Values live outside, in a ParamStore keyed by PyTorch-style full names
// ("fc1.weight", "0.bias"), so weights map one-to-one to a PyTorch
// state_dict. Non-trainable state (BatchNorm running stats) lives there too.
//
#pragma once

#include "backends/runtime/plan.h"
#include "frontend/program.h"
#include "frontend/tensor.h"

#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace duet::nn {

/// Fills a buffer of the given type; gets the generator for reproducibility.
using Init = std::function<Buffer(const TensorType &, std::mt19937_64 &)>;
Init uniformInit(double bound);
Init constantInit(double value);
Init normalInit(double stddev);

struct ParamSpec {
  std::string name; // full name, e.g. "fc1.weight"
  TensorType type;
  Init init;
  bool trainable = true; // false: a buffer (running_mean, ...)
};

/// Where a forward pass records: the builder, the mode, params bound as
/// graph params, random inputs requested by Dropout and state updates.
/// Layers read the mode from here (training(): batch statistics, dropout),
/// not from Module::training(), so one module can build both a training and
/// an evaluation graph; the Trainer keeps the two in step.
class ForwardContext {
public:
  ForwardContext(GraphBuilder &b, bool training) : b_(b), training_(training) {}
  GraphBuilder &builder() { return b_; }
  bool training() const { return training_; }

  /// The graph param for `spec` (declared on first use).
  Tensor param(const ParamSpec &spec);
  /// A graph input of uniform [0,1) samples the caller feeds every run
  /// (named `name`, declared on first use).
  Tensor uniformInput(const std::string &name, const Shape &shape);
  /// Records a new value for non-trainable state `name` (an output to feed back).
  void updateState(const std::string &name, const Tensor &value);

  const std::map<std::string, Tensor> &params() const { return params_; }
  const std::vector<std::pair<std::string, Shape>> &uniformInputs() const { return uniform_; }
  const std::vector<std::pair<std::string, Tensor>> &stateUpdates() const { return updates_; }

private:
  GraphBuilder &b_;
  bool training_;
  std::map<std::string, Tensor> params_;
  std::vector<std::pair<std::string, Shape>> uniform_;
  std::vector<std::pair<std::string, Tensor>> updates_;
};

class Module {
public:
  virtual ~Module() = default;
  /// Records the forward computation of `x`.
  virtual Tensor forward(ForwardContext &ctx, const Tensor &x) = 0;
  Tensor operator()(ForwardContext &ctx, const Tensor &x) { return forward(ctx, x); }

  /// Every parameter and buffer of this module and its children, in
  /// registration order (PyTorch's state_dict order).
  std::vector<ParamSpec> namedParameters() const;
  /// Initial values for namedParameters(); the same seed gives the same values.
  ParamStore initParams(uint64_t seed) const;

  void train(bool on = true);
  void eval() { train(false); }
  bool training() const { return training_; }
  /// The full-name prefix ("" for the root, "fc1." for a child named fc1).
  const std::string &prefix() const { return prefix_; }

protected:
  void registerParameter(const std::string &name, TensorType type, Init init,
                         bool trainable = true);
  template <class M>
  std::shared_ptr<M> registerModule(const std::string &name, std::shared_ptr<M> m) {
    children_.emplace_back(name, m);
    m->setPrefix(prefix_ + name + ".");
    return m;
  }
  /// The graph param of local parameter `name`.
  Tensor param(ForwardContext &ctx, const std::string &name) const;
  std::string fullName(const std::string &name) const { return prefix_ + name; }
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>> &children() const {
    return children_;
  }

private:
  void setPrefix(const std::string &prefix);
  std::string prefix_;
  bool training_ = true;
  std::vector<ParamSpec> params_; // local names
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
};

} // namespace duet::nn
