//===- frontend/optim/optimizer.cpp - updates as graph ops ----------------===//
#include "frontend/optim/optimizer.h"

#include "frontend/ops.h"
#include "ir/error.h"

#include <cmath>
#include <numbers>

namespace duet::optim {

std::vector<double> Optimizer::scalarValues(int64_t, double lr) const { return {lr}; }

std::vector<std::string> SGD::slots() const {
  if (momentum_ != 0)
    return {"momentum_buffer"};
  return {};
}

Optimizer::Update SGD::update(const Tensor &p, const Tensor &g, const std::vector<Tensor> &state,
                              const std::vector<Tensor> &scalars) const {
  Tensor d = wd_ != 0 ? g + p * wd_ : g;
  Update u;
  if (momentum_ != 0) {
    // A zero buffer makes the first step buf = g, as PyTorch's first step.
    d = state.at(0) * momentum_ + d;
    u.state.push_back(d);
  }
  u.param = p - scalars.at(0) * d;
  return u;
}

std::vector<std::string> Adam::scalarNames() const {
  return {"lr", "adam_step_size", "adam_bc2_sqrt"};
}

std::vector<double> Adam::scalarValues(int64_t step, double lr) const {
  if (step < 1)
    throw Error("Adam: step must be >= 1, got " + std::to_string(step));
  double bc1 = 1 - std::pow(b1_, double(step));
  double bc2 = 1 - std::pow(b2_, double(step));
  return {lr, lr / bc1, std::sqrt(bc2)};
}

Optimizer::Update Adam::update(const Tensor &p, const Tensor &g, const std::vector<Tensor> &state,
                               const std::vector<Tensor> &scalars) const {
  Tensor p0 = p, grad = g;
  if (wd_ != 0) {
    if (decoupled_)
      p0 = p * (1.0 - scalars.at(0) * wd_);
    else
      grad = g + p * wd_;
  }
  Tensor m = state.at(0) * b1_ + grad * (1 - b1_);
  Tensor v = state.at(1) * b2_ + grad * grad * (1 - b2_);
  Tensor denom = sqrt(v) / scalars.at(2) + eps_;
  Update u;
  u.param = p0 - scalars.at(1) * m / denom;
  u.state = {m, v};
  return u;
}

LrSchedule stepLr(double base, int64_t stepSize, double gamma) {
  if (stepSize <= 0)
    throw Error("stepLr: step size must be positive");
  return [=](int64_t epoch) { return base * std::pow(gamma, double(epoch / stepSize)); };
}

LrSchedule cosineLr(double base, int64_t tMax, double etaMin) {
  if (tMax <= 0)
    throw Error("cosineLr: tMax must be positive");
  return [=](int64_t epoch) {
    return etaMin +
           (base - etaMin) * (1 + std::cos(std::numbers::pi * double(epoch) / double(tMax))) / 2;
  };
}

} // namespace duet::optim
