//===- frontend/nn/layers.cpp - the standard layers -----------------------===//
#include "frontend/nn/layers.h"

#include "frontend/ops.h"
#include "ir/error.h"

#include <cmath>

namespace duet::nn {

namespace {
Init fanInUniform(int64_t fanIn) { return uniformInit(1.0 / std::sqrt(double(fanIn))); }
} // namespace

Linear::Linear(int64_t in, int64_t out, bool bias, DType dtype) : bias_(bias) {
  if (in <= 0 || out <= 0)
    throw Error("Linear: sizes must be positive, got in=" + std::to_string(in) +
                " out=" + std::to_string(out));
  registerParameter("weight", {dtype, Shape{out, in}}, fanInUniform(in));
  if (bias)
    registerParameter("bias", {dtype, Shape{out}}, fanInUniform(in));
}

Tensor Linear::forward(ForwardContext &ctx, const Tensor &x) {
  return linear(x, param(ctx, "weight"), bias_ ? param(ctx, "bias") : Tensor());
}

Tensor ReLU::forward(ForwardContext &, const Tensor &x) { return relu(x); }
Tensor GELU::forward(ForwardContext &, const Tensor &x) { return gelu(x); }
Tensor Tanh::forward(ForwardContext &, const Tensor &x) { return tanh(x); }
Tensor Sigmoid::forward(ForwardContext &, const Tensor &x) { return sigmoid(x); }

Tensor Flatten::forward(ForwardContext &, const Tensor &x) {
  if (x.rank() < 1)
    throw Error("Flatten: needs rank >= 1, got " + x.type().str());
  int64_t rest = 1;
  for (int64_t i = 1; i < x.rank(); ++i)
    rest *= x.size(i);
  return reshape(x, Shape{x.size(0), rest});
}

Sequential::Sequential(std::vector<std::shared_ptr<Module>> layers) {
  for (auto &l : layers)
    add(std::move(l));
}

void Sequential::add(std::shared_ptr<Module> layer) {
  registerModule(std::to_string(children().size()), std::move(layer));
}

Tensor Sequential::forward(ForwardContext &ctx, const Tensor &x) {
  Tensor y = x;
  for (const auto &[name, m] : children())
    y = m->forward(ctx, y);
  return y;
}

Conv2d::Conv2d(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding, bool bias,
               DType dtype)
    : stride_(stride), padding_(padding), bias_(bias) {
  if (in <= 0 || out <= 0 || kernel <= 0)
    throw Error("Conv2d: sizes must be positive");
  int64_t fanIn = in * kernel * kernel;
  registerParameter("weight", {dtype, Shape{out, in, kernel, kernel}}, fanInUniform(fanIn));
  if (bias)
    registerParameter("bias", {dtype, Shape{out}}, fanInUniform(fanIn));
}

Tensor Conv2d::forward(ForwardContext &ctx, const Tensor &x) {
  Conv2dOptions o;
  o.stride = {stride_, stride_};
  o.padding = {padding_, padding_};
  return conv2d(x, param(ctx, "weight"), bias_ ? param(ctx, "bias") : Tensor(), o);
}

Tensor MaxPool2d::forward(ForwardContext &, const Tensor &x) {
  Pool2dOptions o;
  int64_t s = stride_ > 0 ? stride_ : kernel_;
  o.stride = {s, s};
  return max_pool2d(x, {kernel_, kernel_}, o);
}

Tensor AvgPool2d::forward(ForwardContext &, const Tensor &x) {
  Pool2dOptions o;
  int64_t s = stride_ > 0 ? stride_ : kernel_;
  o.stride = {s, s};
  return avg_pool2d(x, {kernel_, kernel_}, o);
}

BatchNorm2d::BatchNorm2d(int64_t channels, double eps, double momentum, DType dtype)
    : channels_(channels), eps_(eps), momentum_(momentum) {
  registerParameter("weight", {dtype, Shape{channels}}, constantInit(1.0));
  registerParameter("bias", {dtype, Shape{channels}}, constantInit(0.0));
  registerParameter("running_mean", {dtype, Shape{channels}}, constantInit(0.0), false);
  registerParameter("running_var", {dtype, Shape{channels}}, constantInit(1.0), false);
}

Tensor BatchNorm2d::forward(ForwardContext &ctx, const Tensor &x) {
  if (x.rank() != 4 || x.size(1) != channels_)
    throw Error("BatchNorm2d '" + prefix() + "': expected [N," + std::to_string(channels_) +
                ",H,W], got " + x.type().str());
  Tensor w = param(ctx, "weight"), b = param(ctx, "bias");
  Tensor rm = param(ctx, "running_mean"), rv = param(ctx, "running_var");
  if (!ctx.training())
    return batch_norm(x, rm, rv, w, b, eps_);
  Shape c11{channels_, 1, 1};
  Tensor mu = mean(x, {0, 2, 3}, true);                    // [1,C,1,1]
  Tensor var = mean((x - mu) * (x - mu), {0, 2, 3}, true); // biased
  Tensor y = (x - mu) * rsqrt(var + eps_);
  y = y * reshape(w, c11) + reshape(b, c11);
  double n = double(x.size(0) * x.size(2) * x.size(3));
  Tensor muC = reshape(mu, Shape{channels_}), varC = reshape(var, Shape{channels_});
  Tensor unbiased = n > 1 ? varC * (n / (n - 1)) : varC;
  ctx.updateState(fullName("running_mean"), rm * (1 - momentum_) + muC * momentum_);
  ctx.updateState(fullName("running_var"), rv * (1 - momentum_) + unbiased * momentum_);
  return y;
}

LayerNorm::LayerNorm(int64_t dim, double eps, DType dtype) : eps_(eps) {
  registerParameter("weight", {dtype, Shape{dim}}, constantInit(1.0));
  registerParameter("bias", {dtype, Shape{dim}}, constantInit(0.0));
}

Tensor LayerNorm::forward(ForwardContext &ctx, const Tensor &x) {
  return layer_norm(x, param(ctx, "weight"), param(ctx, "bias"), eps_);
}

Dropout::Dropout(double p) : p_(p) {
  if (!(p >= 0 && p < 1))
    throw Error("Dropout: p must be in [0, 1), got " + std::to_string(p));
}

Tensor Dropout::forward(ForwardContext &ctx, const Tensor &x) {
  if (!ctx.training() || p_ == 0)
    return x;
  Tensor u = ctx.uniformInput(fullName("dropout_mask"), x.shape());
  Tensor keep = cast(ge(u, p_), x.dtype());
  return x * keep * (1.0 / (1.0 - p_));
}

Embedding::Embedding(int64_t num, int64_t dim, DType dtype) {
  registerParameter("weight", {dtype, Shape{num, dim}}, normalInit(1.0));
}

Tensor Embedding::forward(ForwardContext &ctx, const Tensor &indices) {
  return embedding(indices, param(ctx, "weight"));
}

MultiheadSelfAttention::MultiheadSelfAttention(int64_t embedDim, int64_t heads, DType dtype)
    : embed_(embedDim), heads_(heads) {
  if (heads <= 0 || embedDim % heads != 0)
    throw Error("MultiheadSelfAttention: embed dim " + std::to_string(embedDim) +
                " is not divisible by " + std::to_string(heads) + " heads");
  // PyTorch: xavier_uniform_ in_proj_weight, zero biases.
  double bound = std::sqrt(6.0 / double(embedDim + 3 * embedDim));
  registerParameter("in_proj_weight", {dtype, Shape{3 * embedDim, embedDim}}, uniformInit(bound));
  registerParameter("in_proj_bias", {dtype, Shape{3 * embedDim}}, constantInit(0.0));
  outProj_ = registerModule("out_proj", std::make_shared<Linear>(embedDim, embedDim, true, dtype));
}

Tensor MultiheadSelfAttention::forward(ForwardContext &ctx, const Tensor &x) {
  if (x.rank() != 3 || x.size(2) != embed_)
    throw Error("MultiheadSelfAttention '" + prefix() + "': expected [N,L," +
                std::to_string(embed_) + "], got " + x.type().str());
  int64_t n = x.size(0), l = x.size(1), d = embed_ / heads_;
  Tensor qkv = linear(x, param(ctx, "in_proj_weight"), param(ctx, "in_proj_bias"));
  auto head = [&](int64_t i) {
    Tensor t = slice(qkv, 2, i * embed_, (i + 1) * embed_);
    return permute(reshape(t, Shape{n, l, heads_, d}), {0, 2, 1, 3}); // [N,H,L,D]
  };
  Tensor q = head(0), k = head(1), v = head(2);
  Tensor scores = matmul(q, transpose(k, 2, 3)) * (1.0 / std::sqrt(double(d)));
  Tensor att = matmul(softmax(scores, -1), v);
  Tensor merged = reshape(permute(att, {0, 2, 1, 3}), Shape{n, l, embed_});
  return outProj_->forward(ctx, merged);
}

Tensor mseLoss(const Tensor &pred, const Tensor &target) { return mse_loss(pred, target); }
Tensor crossEntropyLoss(const Tensor &logits, const Tensor &labels) {
  return cross_entropy(logits, labels);
}

} // namespace duet::nn
