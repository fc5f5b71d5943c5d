//===- frontend/optim/optimizer.h - updates as graph ops --------*- C++ -*-===//
//
// An optimizer appends its update to the training-step graph: for each
// trainable parameter p with gradient g it records the new value of p and of
// its state slots (graph params named "optim.<param>.<slot>", e.g.
// "optim.fc1.weight.exp_avg"), which the training loop feeds back. Per-step
// numbers (learning rate, bias corrections) are rank-0 graph inputs, so one
// compiled step serves every step and any learning-rate schedule.
//
#pragma once

#include "frontend/program.h"

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace duet::optim {

class Optimizer {
public:
  explicit Optimizer(double lr) : lr_(lr) {}
  virtual ~Optimizer() = default;

  double lr() const { return lr_; }
  void setLr(double lr) { lr_ = lr; }

  /// Names of the per-step scalar inputs, and their values at `step`
  /// (1-based) with learning rate `lr`.
  virtual std::vector<std::string> scalarNames() const { return {"lr"}; }
  virtual std::vector<double> scalarValues(int64_t step, double lr) const;
  /// State slots per parameter (each of the parameter's type, zero at first).
  virtual std::vector<std::string> slots() const { return {}; }

  /// New values of p and of its slots (in slots() order). `scalars` holds the
  /// scalar inputs in scalarNames() order, already of p's dtype.
  struct Update {
    Tensor param;
    std::vector<Tensor> state;
  };
  virtual Update update(const Tensor &p, const Tensor &g, const std::vector<Tensor> &state,
                        const std::vector<Tensor> &scalars) const = 0;

  /// "optim.<param>.<slot>".
  static std::string stateName(const std::string &param, const std::string &slot) {
    return "optim." + param + "." + slot;
  }

private:
  double lr_;
};

/// torch.optim.SGD (dampening 0, no Nesterov): with weight decay wd and
/// momentum mu, g' = g + wd p; buf = mu buf + g'; p -= lr buf.
class SGD : public Optimizer {
public:
  explicit SGD(double lr, double momentum = 0, double weightDecay = 0)
      : Optimizer(lr), momentum_(momentum), wd_(weightDecay) {}
  std::vector<std::string> slots() const override;
  Update update(const Tensor &p, const Tensor &g, const std::vector<Tensor> &state,
                const std::vector<Tensor> &scalars) const override;

private:
  double momentum_, wd_;
};

/// torch.optim.Adam / AdamW (decoupled weight decay), PyTorch's formula:
/// m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
/// p -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps), bc_i = 1 - b_i^step.
class Adam : public Optimizer {
public:
  explicit Adam(double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
                double weightDecay = 0, bool decoupled = false)
      : Optimizer(lr), b1_(beta1), b2_(beta2), eps_(eps), wd_(weightDecay), decoupled_(decoupled) {}
  std::vector<std::string> scalarNames() const override;
  std::vector<double> scalarValues(int64_t step, double lr) const override;
  std::vector<std::string> slots() const override { return {"exp_avg", "exp_avg_sq"}; }
  Update update(const Tensor &p, const Tensor &g, const std::vector<Tensor> &state,
                const std::vector<Tensor> &scalars) const override;

private:
  double b1_, b2_, eps_, wd_;
  bool decoupled_;
};

/// AdamW: Adam with decoupled weight decay (p *= 1 - lr wd first); default
/// weight decay 0.01 as in PyTorch.
class AdamW : public Adam {
public:
  explicit AdamW(double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
                 double weightDecay = 0.01)
      : Adam(lr, beta1, beta2, eps, weightDecay, true) {}
};

/// Learning rate as a function of the epoch (0-based).
using LrSchedule = std::function<double(int64_t epoch)>;
/// torch StepLR: base * gamma^(epoch / stepSize).
LrSchedule stepLr(double base, int64_t stepSize, double gamma = 0.1);
/// torch CosineAnnealingLR: etaMin + (base-etaMin)(1 + cos(pi epoch/tMax))/2.
LrSchedule cosineLr(double base, int64_t tMax, double etaMin = 0);

} // namespace duet::optim
