//===- frontend/nn/trainer.cpp - one graph per training step --------------===//
#include "frontend/nn/trainer.h"

#include "frontend/autograd.h"
#include "frontend/dist/all_reduce.h"
#include "frontend/ops.h"
#include "ir/error.h"

#include <algorithm>
#include <set>

namespace duet::nn {

Trainer::Trainer(std::shared_ptr<Module> model, LossFn loss, std::shared_ptr<optim::Optimizer> opt,
                 TrainerOptions opts)
    : model_(std::move(model)), loss_(std::move(loss)), opt_(std::move(opt)),
      opts_(std::move(opts)), rng_(opts_.seed ^ 0x9e3779b97f4a7c15ULL ^
                                   (opts_.distributed ? uint64_t(opts_.distributed->rank()) : 0)) {
  if (!model_ || !opt_ || !loss_)
    throw Error("Trainer: model, loss and optimizer are required");
  params_ = model_->initParams(opts_.seed);
  for (const ParamSpec &p : model_->namedParameters())
    if (p.trainable)
      for (const std::string &slot : opt_->slots())
        params_[optim::Optimizer::stateName(p.name, slot)] = Buffer::full(p.type, 0.0);
  if (isDistributed())
    opts_.distributed->broadcastFromRoot(params_);
}

bool Trainer::isDistributed() const {
  return opts_.distributed && opts_.distributed->worldSize() > 1;
}

Trainer::StepProgram &Trainer::program(const TensorType &xt, const TensorType &yt) {
  std::string key = xt.str() + "|" + yt.str();
  auto it = steps_cache_.find(key);
  if (it != steps_cache_.end())
    return it->second;
  StepProgram sp;
  GraphBuilder b("train_step");
  Tensor x = b.input("x", xt.dtype, xt.shape);
  Tensor y = b.input("y", yt.dtype, yt.shape);
  sp.inputs = {"x", "y"};
  ForwardContext ctx(b, true);
  model_->train();
  Tensor out = model_->forward(ctx, x);
  Tensor loss = loss_(out, y);
  for (const auto &[name, shape] : ctx.uniformInputs()) {
    sp.uniform[name] = sp.uniformShapes.size();
    sp.uniformShapes.push_back(shape);
    sp.inputs.push_back(name);
  }
  std::vector<Tensor> outs{loss};
  if (yt.dtype == DType::I64 && out.rank() == 2 && yt.rank() == 1) {
    outs.push_back(sum(cast(eq(argmax(out, 1), y), DType::I64)));
    sp.hasCorrect = true;
  }
  // Trainable params the forward used (an unused one keeps its value).
  std::vector<ParamSpec> trainable;
  std::vector<Tensor> ws;
  for (const ParamSpec &p : model_->namedParameters())
    if (p.trainable && ctx.params().count(p.name)) {
      trainable.push_back(p);
      ws.push_back(ctx.params().at(p.name));
    }
  std::vector<Tensor> grads = grad(loss, ws);
  if (isDistributed()) // data parallel: every rank updates with the mean gradient
    grads = dist::allReduceBucketed(grads, opts_.distributed->id(),
                                    opts_.distributed->bucketBytes());
  std::vector<Tensor> scalars;
  for (const std::string &s : opt_->scalarNames()) {
    scalars.push_back(b.input(s, DType::F32, {}));
    sp.inputs.push_back(s);
  }
  for (size_t i = 0; i < trainable.size(); ++i) {
    const ParamSpec &p = trainable[i];
    std::vector<Tensor> state, sc;
    for (const std::string &slot : opt_->slots())
      state.push_back(
          b.param(optim::Optimizer::stateName(p.name, slot), p.type.dtype, p.type.shape));
    for (const Tensor &s : scalars)
      sc.push_back(p.type.dtype == DType::F32 ? s : cast(s, p.type.dtype));
    optim::Optimizer::Update u = opt_->update(ws[i], grads[i], state, sc);
    outs.push_back(u.param);
    sp.outputs.push_back(p.name);
    for (size_t k = 0; k < u.state.size(); ++k) {
      outs.push_back(u.state[k]);
      sp.outputs.push_back(optim::Optimizer::stateName(p.name, opt_->slots()[k]));
    }
  }
  std::vector<Tensor> updates;
  for (const auto &[name, value] : ctx.stateUpdates()) {
    updates.push_back(value);
    sp.outputs.push_back(name);
  }
  if (isDistributed()) // keep BatchNorm statistics equal on every replica
    updates = dist::allReduceBucketed(updates, opts_.distributed->id(),
                                      opts_.distributed->bucketBytes());
  outs.insert(outs.end(), updates.begin(), updates.end());
  sp.program = std::make_unique<Program>(b.build(outs, opts_.compile));
  return steps_cache_.emplace(key, std::move(sp)).first->second;
}

const Program &Trainer::stepProgram(const TensorType &x, const TensorType &y) {
  return *program(x, y).program;
}

StepResult Trainer::step(const Buffer &x, const Buffer &y) {
  StepProgram &sp = program(x.type(), y.type());
  ++steps_;
  std::vector<double> sv = opt_->scalarValues(steps_, opt_->lr());
  std::vector<Buffer> inputs{x, y};
  std::uniform_real_distribution<float> u01(0.f, 1.f);
  for (const Shape &s : sp.uniformShapes) {
    Buffer m = Buffer::allocate(DType::F32, s);
    for (int64_t i = 0; i < m.numel(); ++i)
      m.data<float>()[i] = u01(rng_);
    inputs.push_back(m);
  }
  for (double v : sv)
    inputs.push_back(Buffer::full({DType::F32, {}}, v));
  std::vector<Buffer> outs;
  const bool reuse = !sp.spare.empty() && std::all_of(sp.spare.begin(), sp.spare.end(),
                                                      [](const Buffer &b) { return b.soleOwner(); });
  if (reuse) {
    sp.program->run(inputs, params_, sp.spare);
    outs = std::move(sp.spare);
  } else {
    outs = sp.program->run(inputs, params_);
  }
  StepResult r;
  r.loss = outs.at(0).at(0);
  r.count = x.shape().at(0);
  size_t k = 1;
  if (sp.hasCorrect)
    r.correct = static_cast<int64_t>(outs.at(k++).at(0));
  // The scalars were read above; the replaced state becomes next step's
  // output space unless someone (a modelState() snapshot, say) still holds it.
  std::vector<Buffer> spare(outs.begin(), outs.begin() + static_cast<std::ptrdiff_t>(k));
  for (const std::string &name : sp.outputs) {
    Buffer &slot = params_[name];
    Buffer replaced = std::move(slot);
    slot = outs.at(k++);
    spare.push_back(replaced.defined() && replaced.type() == slot.type() ? std::move(replaced)
                                                                         : Buffer());
  }
  if (std::all_of(spare.begin(), spare.end(), [](const Buffer &b) { return b.defined(); }))
    sp.spare = std::move(spare);
  else
    sp.spare.clear();
  return r;
}

Buffer Trainer::predict(const Buffer &x) {
  std::string key = x.type().str();
  auto it = eval_cache_.find(key);
  if (it == eval_cache_.end()) {
    GraphBuilder b("eval");
    Tensor xin = b.input("x", x.dtype(), x.shape());
    ForwardContext ctx(b, false);
    model_->eval();
    Tensor out = model_->forward(ctx, xin);
    model_->train();
    it = eval_cache_.emplace(key, std::make_unique<Program>(b.build({out}, opts_.compile))).first;
  }
  return it->second->run({x}, params_).at(0);
}

ParamStore Trainer::modelState() const {
  ParamStore out;
  for (const ParamSpec &p : model_->namedParameters())
    out[p.name] = params_.at(p.name);
  return out;
}

void Trainer::loadModelState(const ParamStore &state) {
  for (const ParamSpec &p : model_->namedParameters()) {
    auto it = state.find(p.name);
    if (it == state.end())
      throw Error("loadModelState: missing '" + p.name + "' (" + p.type.str() + ")");
    if (it->second.type() != p.type)
      throw Error("loadModelState: '" + p.name + "' is " + it->second.type().str() +
                  ", the model expects " + p.type.str());
    params_[p.name] = it->second;
  }
}

} // namespace duet::nn
