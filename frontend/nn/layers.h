//===- frontend/nn/layers.h - the standard layers ---------------*- C++ -*-===//
//
// PyTorch-compatible layers: the same parameter names, shapes and default
// initialization (kaiming_uniform(a=sqrt(5)) for weights, which is
// uniform(+-1/sqrt(fan_in)), and the same bound for biases).
//
#pragma once

#include "frontend/nn/module.h"

#include <cstdint>

namespace duet::nn {

class Linear : public Module {
public:
  Linear(int64_t in, int64_t out, bool bias = true, DType dtype = DType::F32);
  Tensor forward(ForwardContext &ctx, const Tensor &x) override;

private:
  bool bias_;
};

/// Stateless activations.
class ReLU : public Module {
public:
  Tensor forward(ForwardContext &, const Tensor &x) override;
};
class GELU : public Module {
public:
  Tensor forward(ForwardContext &, const Tensor &x) override;
};
class Tanh : public Module {
public:
  Tensor forward(ForwardContext &, const Tensor &x) override;
};
class Sigmoid : public Module {
public:
  Tensor forward(ForwardContext &, const Tensor &x) override;
};

/// Flattens every dimension from 1 on: [N, ...] -> [N, prod(...)].
class Flatten : public Module {
public:
  Tensor forward(ForwardContext &, const Tensor &x) override;
};

/// Children named "0", "1", ... as in torch.nn.Sequential.
class Sequential : public Module {
public:
  Sequential() = default;
  explicit Sequential(std::vector<std::shared_ptr<Module>> layers);
  void add(std::shared_ptr<Module> layer);
  Tensor forward(ForwardContext &ctx, const Tensor &x) override;
  size_t size() const { return children().size(); }
};

class Conv2d : public Module {
public:
  Conv2d(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1, int64_t padding = 0,
         bool bias = true, DType dtype = DType::F32);
  Tensor forward(ForwardContext &ctx, const Tensor &x) override;

private:
  int64_t stride_, padding_;
  bool bias_;
};

class MaxPool2d : public Module {
public:
  explicit MaxPool2d(int64_t kernel, int64_t stride = 0) : kernel_(kernel), stride_(stride) {}
  Tensor forward(ForwardContext &, const Tensor &x) override;

private:
  int64_t kernel_, stride_; // stride 0: the kernel size
};

class AvgPool2d : public Module {
public:
  explicit AvgPool2d(int64_t kernel, int64_t stride = 0) : kernel_(kernel), stride_(stride) {}
  Tensor forward(ForwardContext &, const Tensor &x) override;

private:
  int64_t kernel_, stride_;
};

/// Training: normalizes with the batch statistics (biased variance) and
/// records running_mean/running_var updates (unbiased variance, as PyTorch)
/// as ctx.stateUpdates(). Eval: the batch_norm op with the running stats.
class BatchNorm2d : public Module {
public:
  explicit BatchNorm2d(int64_t channels, double eps = 1e-5, double momentum = 0.1,
                       DType dtype = DType::F32);
  Tensor forward(ForwardContext &ctx, const Tensor &x) override;

private:
  int64_t channels_;
  double eps_, momentum_;
};

/// Normalizes over the last dimension (of size `dim`).
class LayerNorm : public Module {
public:
  explicit LayerNorm(int64_t dim, double eps = 1e-5, DType dtype = DType::F32);
  Tensor forward(ForwardContext &ctx, const Tensor &x) override;

private:
  double eps_;
};

/// Training: zeroes each element with probability p and scales the rest by
/// 1/(1-p). The randomness is a graph input of uniform [0,1) samples named
/// "<prefix>dropout_mask" (see ForwardContext::uniformInput) which the
/// Trainer draws from its seeded generator every step. Eval: identity.
class Dropout : public Module {
public:
  explicit Dropout(double p = 0.5);
  Tensor forward(ForwardContext &ctx, const Tensor &x) override;

private:
  double p_;
};

/// weight [num, dim], initialized N(0, 1) as in PyTorch; takes i64 indices.
class Embedding : public Module {
public:
  Embedding(int64_t num, int64_t dim, DType dtype = DType::F32);
  Tensor forward(ForwardContext &ctx, const Tensor &indices) override;
};

/// Multi-head self-attention over x [N, L, E], with PyTorch's
/// nn.MultiheadAttention parameter names (in_proj_weight [3E, E],
/// in_proj_bias [3E], out_proj.weight, out_proj.bias).
class MultiheadSelfAttention : public Module {
public:
  MultiheadSelfAttention(int64_t embedDim, int64_t heads, DType dtype = DType::F32);
  Tensor forward(ForwardContext &ctx, const Tensor &x) override;

private:
  int64_t embed_, heads_;
  std::shared_ptr<Linear> outProj_;
};

/// Losses (means over the batch).
Tensor mseLoss(const Tensor &pred, const Tensor &target);
/// logits [N, C] float, labels i64 [N].
Tensor crossEntropyLoss(const Tensor &logits, const Tensor &labels);

} // namespace duet::nn
