//===- frontend/nn/module.cpp - layers with named parameters --------------===//
#include "frontend/nn/module.h"

#include "ir/error.h"

namespace duet::nn {

namespace {
// Fills a float buffer from `draw`, converting to the buffer's dtype.
template <class F> Buffer fillFloat(const TensorType &t, F draw) {
  if (t.dtype != DType::F32 && t.dtype != DType::F64)
    throw Error("nn init: parameters must be f32 or f64, got " + t.str());
  Buffer o = Buffer::allocate(t);
  for (int64_t i = 0; i < o.numel(); ++i) {
    if (t.dtype == DType::F32)
      o.data<float>()[i] = static_cast<float>(draw());
    else
      o.data<double>()[i] = draw();
  }
  return o;
}
} // namespace

Init uniformInit(double bound) {
  return [bound](const TensorType &t, std::mt19937_64 &rng) {
    std::uniform_real_distribution<double> d(-bound, bound);
    return fillFloat(t, [&] { return d(rng); });
  };
}

Init constantInit(double value) {
  return [value](const TensorType &t, std::mt19937_64 &) { return Buffer::full(t, value); };
}

Init normalInit(double stddev) {
  return [stddev](const TensorType &t, std::mt19937_64 &rng) {
    std::normal_distribution<double> d(0.0, stddev);
    return fillFloat(t, [&] { return d(rng); });
  };
}

Tensor ForwardContext::param(const ParamSpec &spec) {
  auto it = params_.find(spec.name);
  if (it != params_.end())
    return it->second;
  Tensor t = b_.param(spec.name, spec.type.dtype, spec.type.shape);
  params_.emplace(spec.name, t);
  return t;
}

Tensor ForwardContext::uniformInput(const std::string &name, const Shape &shape) {
  Tensor t = b_.input(name, DType::F32, shape);
  uniform_.emplace_back(name, shape);
  return t;
}

void ForwardContext::updateState(const std::string &name, const Tensor &value) {
  updates_.emplace_back(name, value);
}

std::vector<ParamSpec> Module::namedParameters() const {
  std::vector<ParamSpec> out;
  for (const ParamSpec &p : params_) {
    out.push_back(p);
    out.back().name = prefix_ + p.name;
  }
  for (const auto &[name, child] : children_)
    for (ParamSpec &p : child->namedParameters())
      out.push_back(std::move(p));
  return out;
}

ParamStore Module::initParams(uint64_t seed) const {
  std::mt19937_64 rng(seed);
  ParamStore store;
  for (const ParamSpec &p : namedParameters())
    store[p.name] = p.init(p.type, rng);
  return store;
}

void Module::train(bool on) {
  training_ = on;
  for (auto &[name, child] : children_)
    child->train(on);
}

void Module::registerParameter(const std::string &name, TensorType type, Init init,
                               bool trainable) {
  for (const ParamSpec &p : params_)
    if (p.name == name)
      throw Error("Module: parameter '" + fullName(name) + "' registered twice");
  params_.push_back({name, std::move(type), std::move(init), trainable});
}

Tensor Module::param(ForwardContext &ctx, const std::string &name) const {
  for (const ParamSpec &p : params_)
    if (p.name == name) {
      ParamSpec full = p;
      full.name = prefix_ + name;
      return ctx.param(full);
    }
  throw Error("Module: no parameter '" + fullName(name) + "'");
}

void Module::setPrefix(const std::string &prefix) {
  prefix_ = prefix;
  for (auto &[name, child] : children_)
    child->setPrefix(prefix_ + name + ".");
}

} // namespace duet::nn
