//===- backends/torch/torch_autograd.cpp - LibTorch autograd references ---===//
//
// The independent references for duet's autodiff pass and training steps:
// the graph's nodes run eagerly with the same per-op ATen calls as the
// region runner (torch_ops.cpp), but on tensors that require grad and with
// autograd on, so torch's own backward formulas compute the gradients.
//
#include "backends/torch/torch_autograd.h"

#include "backends/torch/torch_ops.h"
#include "ir/error.h"
#include "ir/graph.h"

#include <ATen/ops/from_blob.h>
#include <ATen/ops/zeros.h>
#include <ATen/ops/zeros_like.h>
#include <c10/core/GradMode.h>
#include <c10/util/Exception.h>
#include <torch/csrc/autograd/autograd.h>

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

namespace duet::torchops {
namespace {

/// An owned copy of a buffer (a leaf that may require grad).
at::Tensor toTensor(const Buffer &b) {
  at::TensorOptions opts = at::TensorOptions().dtype(scalarType(b.dtype()));
  if (b.numel() == 0 || !b.raw())
    return at::zeros(b.shape(), opts);
  return at::from_blob(const_cast<void *>(b.raw()), b.shape(), opts).clone();
}

Buffer toBuffer(const at::Tensor &t, const TensorType &type) {
  Buffer b = Buffer::allocate(type);
  at::Tensor c = t.detach().to(scalarType(type.dtype)).contiguous();
  if (c.numel() != b.numel())
    throw Error(fmt::format("torch autograd: tensor of {} elements for {}", c.numel(),
                            type.str()));
  if (b.nbytes() > 0)
    std::memcpy(b.raw(), c.data_ptr(), b.nbytes());
  return b;
}

/// The nodes output 0 depends on, in graph order.
std::vector<const Node *> lossCone(const Graph &g) {
  if (g.outputs().empty())
    throw Error("torch autograd: the graph has no output (output 0 is the loss)");
  const Node *loss = g.outputs()[0];
  if (!isFloating(loss->dtype()) || loss->type().numel() != 1)
    throw Error(fmt::format("torch autograd: the loss (output 0, {}) must be a float value "
                            "of one element",
                            loss->type().str()));
  std::unordered_set<const Node *> needed{loss};
  std::vector<const Node *> order;
  const std::vector<Node *> &all = g.nodes();
  for (auto it = all.rbegin(); it != all.rend(); ++it)
    if (needed.count(*it))
      for (const Node *in : (*it)->inputs())
        needed.insert(in);
  for (const Node *n : all)
    if (needed.count(n))
      order.push_back(n);
  return order;
}

at::Tensor runForGrad(const Node &n, std::span<const at::Tensor> in);

/// Runs the loss cone eagerly; `values` holds the sources already.
at::Tensor forward(const std::vector<const Node *> &cone,
                   std::unordered_map<const Node *, at::Tensor> &values) {
  std::vector<at::Tensor> operands;
  for (const Node *n : cone) {
    if (n->op() == OpKind::Input || n->op() == OpKind::Param)
      continue;
    operands.clear();
    for (const Node *in : n->inputs())
      operands.push_back(values.at(in));
    try {
      values[n] = runForGrad(*n, operands);
    } catch (const c10::Error &e) {
      throw Error(fmt::format("torch autograd failed on %{} ({}): {}", n->id(), n->opName(),
                              e.what_without_backtrace()));
    }
  }
  return values.at(cone.back()).reshape({});
}

/// torch's batch_norm has no gradient for the running statistics, so when
/// they require grad the inference formula of docs/ops.md is spelled out in
/// ATen ops (still torch's autograd).
at::Tensor runForGrad(const Node &n, std::span<const at::Tensor> in) {
  if (n.op() == OpKind::BatchNorm && in[0].numel() > 0 &&
      (in[1].requires_grad() || in[2].requires_grad())) {
    std::vector<int64_t> view(static_cast<size_t>(in[0].dim()), 1);
    view[1] = -1;
    auto c = [&](const at::Tensor &t) { return t.reshape(view); };
    const double eps = n.attrs().getFloat("eps", 1e-5);
    return in[0].sub(c(in[1])).mul(c(in[2]).add(eps).rsqrt()).mul(c(in[3])).add(c(in[4]));
  }
  // torch 1.13's ScatterAddBackward returns src's gradient in index's shape
  // and fails when src is larger; only the index-shaped corner of src is
  // read, so narrow it first (its other elements get zero gradient).
  if (n.op() == OpKind::ScatterAdd && !in[2].sizes().equals(in[1].sizes())) {
    at::Tensor src = in[2];
    for (int64_t d = 0; d < src.dim(); ++d)
      src = src.narrow(d, 0, in[1].size(d));
    std::vector<at::Tensor> ops{in[0], in[1], src};
    return runOp(n, ops);
  }
  return runOp(n, in);
}

/// Sources fed from `values` (inputs then params, graph order).
std::unordered_map<const Node *, at::Tensor> feedSources(const Graph &g,
                                                        std::span<const Buffer> values) {
  const size_t want = g.inputs().size() + g.params().size();
  if (values.size() != want)
    throw Error(fmt::format("torch autograd: {} buffers for {} inputs and {} params",
                            values.size(), g.inputs().size(), g.params().size()));
  std::unordered_map<const Node *, at::Tensor> fed;
  size_t i = 0;
  for (const auto *list : {&g.inputs(), &g.params()})
    for (const Node *n : *list) {
      if (values[i].type() != n->type())
        throw Error(fmt::format("torch autograd: buffer {} is {} but {} is {}", i,
                                values[i].type().str(), n->name(), n->type().str()));
      fed[n] = toTensor(values[i++]);
    }
  return fed;
}

std::vector<at::Tensor> gradientsOf(const at::Tensor &loss, const std::vector<at::Tensor> &wrt) {
  std::vector<at::Tensor> grads;
  try {
    grads = torch::autograd::grad({loss}, wrt, {}, /*retain_graph=*/false,
                                  /*create_graph=*/false, /*allow_unused=*/true);
  } catch (const c10::Error &e) {
    throw Error(fmt::format("torch autograd backward failed: {}", e.what_without_backtrace()));
  }
  for (size_t i = 0; i < grads.size(); ++i)
    if (!grads[i].defined())
      grads[i] = at::zeros_like(wrt[i]);
  return grads;
}

class SgdTrainer final : public ReferenceSgdTrainer {
public:
  SgdTrainer(const Graph &g, std::span<const Buffer> initial, double lr)
      : g_(g), cone_(lossCone(g)), lr_(lr) {
    if (initial.size() != g.params().size())
      throw Error(fmt::format("referenceSgdTrainer: {} buffers for {} params", initial.size(),
                              g.params().size()));
    for (size_t i = 0; i < initial.size(); ++i) {
      const Node *p = g.params()[i];
      if (initial[i].type() != p->type() || !isFloating(p->dtype()))
        throw Error(fmt::format("referenceSgdTrainer: param {} is {}, buffer {}", p->name(),
                                p->type().str(), initial[i].type().str()));
      params_.push_back(toTensor(initial[i]).requires_grad_(true));
    }
  }

  double step(std::span<const Buffer> inputs) override {
    if (inputs.size() != g_.inputs().size())
      throw Error(fmt::format("referenceSgdTrainer: {} buffers for {} inputs", inputs.size(),
                              g_.inputs().size()));
    c10::AutoGradMode grad(true);
    std::unordered_map<const Node *, at::Tensor> values;
    for (size_t i = 0; i < inputs.size(); ++i) {
      const Buffer &b = inputs[i];
      // Inputs need no grad: wrap them without a copy, as eager code would.
      values[g_.inputs()[i]] =
          at::from_blob(const_cast<void *>(b.raw()), b.shape(),
                        at::TensorOptions().dtype(scalarType(b.dtype())));
    }
    for (size_t i = 0; i < params_.size(); ++i)
      values[g_.params()[i]] = params_[i];
    at::Tensor loss = forward(cone_, values);
    std::vector<at::Tensor> grads = gradientsOf(loss, params_);
    c10::NoGradGuard noGrad;
    if (adam_)
      adamUpdate(grads);
    else
      for (size_t i = 0; i < params_.size(); ++i)
        params_[i].sub_(grads[i], lr_);
    return loss.item<double>();
  }

  /// Turns the SGD update into torch.optim.Adam's (_single_tensor_adam).
  void useAdam(double beta1, double beta2, double eps) {
    adam_ = true;
    b1_ = beta1;
    b2_ = beta2;
    eps_ = eps;
    for (const at::Tensor &p : params_) {
      m_.push_back(at::zeros_like(p).detach());
      v_.push_back(at::zeros_like(p).detach());
    }
  }

  std::vector<Buffer> params() const override {
    std::vector<Buffer> out;
    for (size_t i = 0; i < params_.size(); ++i)
      out.push_back(toBuffer(params_[i], g_.params()[i]->type()));
    return out;
  }

private:
  void adamUpdate(const std::vector<at::Tensor> &grads) {
    ++step_;
    const double bias1 = 1 - std::pow(b1_, static_cast<double>(step_));
    const double bias2Sqrt = std::sqrt(1 - std::pow(b2_, static_cast<double>(step_)));
    for (size_t i = 0; i < params_.size(); ++i) {
      m_[i].mul_(b1_).add_(grads[i], 1 - b1_);
      v_[i].mul_(b2_).addcmul_(grads[i], grads[i], 1 - b2_);
      at::Tensor denom = v_[i].sqrt().div_(bias2Sqrt).add_(eps_);
      params_[i].addcdiv_(m_[i], denom, -lr_ / bias1);
    }
  }

  const Graph &g_;
  std::vector<const Node *> cone_;
  double lr_;
  std::vector<at::Tensor> params_;
  bool adam_ = false;
  double b1_ = 0.9, b2_ = 0.999, eps_ = 1e-8;
  int64_t step_ = 0;
  std::vector<at::Tensor> m_, v_;
};

} // namespace

std::vector<Buffer> referenceGradients(const Graph &g, std::span<const Buffer> values,
                                       const std::vector<const Node *> &wrt) {
  std::vector<const Node *> cone = lossCone(g);
  c10::AutoGradMode grad(true);
  // Sources among the w's are leaves that require grad.
  std::unordered_map<const Node *, at::Tensor> live = feedSources(g, values);
  std::unordered_set<const Node *> wrtSet(wrt.begin(), wrt.end());
  for (const Node *w : wrt) {
    if (w->graph() != &g || !isFloating(w->dtype()))
      throw Error(fmt::format("referenceGradients: {} is not a float value of the graph",
                              w->name()));
    if (live.count(w))
      live[w].requires_grad_(true);
  }
  std::vector<at::Tensor> operands;
  for (const Node *n : cone) {
    if (n->op() != OpKind::Input && n->op() != OpKind::Param) {
      operands.clear();
      for (const Node *in : n->inputs())
        operands.push_back(live.at(in));
      try {
        live[n] = runForGrad(*n, operands);
      } catch (const c10::Error &e) {
        throw Error(fmt::format("referenceGradients: torch failed on %{} ({}): {}", n->id(),
                                n->opName(), e.what_without_backtrace()));
      }
      // torch's grad() takes intermediate tensors as they are (the total
      // derivative still flows past them to earlier w's); one that nothing
      // upstream makes require grad becomes a leaf of its own.
      if (wrtSet.count(n) && !live[n].requires_grad())
        live[n] = live[n].detach().requires_grad_(true);
    }
  }
  at::Tensor loss = live.at(cone.back()).reshape({});
  std::vector<at::Tensor> leaves;
  for (const Node *w : wrt) {
    auto it = live.find(w);
    // Not reached by the loss: a stand-in leaf, whose gradient is zero.
    leaves.push_back(it != live.end()
                         ? it->second
                         : at::zeros(w->shape(), at::TensorOptions().dtype(
                                                     scalarType(w->dtype())))
                               .requires_grad_(true));
  }
  std::vector<at::Tensor> grads;
  if (loss.requires_grad()) {
    grads = gradientsOf(loss, leaves);
  } else {
    for (const at::Tensor &l : leaves)
      grads.push_back(at::zeros_like(l));
  }
  std::vector<Buffer> out;
  for (size_t i = 0; i < wrt.size(); ++i)
    out.push_back(toBuffer(grads[i], wrt[i]->type()));
  return out;
}

std::unique_ptr<ReferenceSgdTrainer> referenceSgdTrainer(const Graph &g,
                                                         std::span<const Buffer> initial,
                                                         double lr) {
  return std::make_unique<SgdTrainer>(g, initial, lr);
}

std::unique_ptr<ReferenceSgdTrainer> referenceAdamTrainer(const Graph &g,
                                                          std::span<const Buffer> initial,
                                                          double lr, double beta1, double beta2,
                                                          double eps) {
  auto t = std::make_unique<SgdTrainer>(g, initial, lr);
  t->useAdam(beta1, beta2, eps);
  return t;
}

} // namespace duet::torchops
