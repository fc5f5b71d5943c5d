//===- frontend/ops.h - recording tensor ops --------------------*- C++ -*-===//
//
// One function per op of docs/ops.md (attribute names and defaults as there).
// Every function records a node and returns at once; shape and dtype errors
// are thrown here, at record time, naming the op and the operand types.
// Scalars combined with tensors become rank-0 `constant` nodes of the
// tensor's dtype.
//
#pragma once

#include "frontend/tensor.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace duet {

using Axes = std::vector<int64_t>;

// Elementwise, unary.
Tensor neg(const Tensor &x);
Tensor abs(const Tensor &x);
Tensor exp(const Tensor &x);
Tensor log(const Tensor &x);
Tensor sqrt(const Tensor &x);
Tensor rsqrt(const Tensor &x);
Tensor tanh(const Tensor &x);
Tensor sigmoid(const Tensor &x);
Tensor relu(const Tensor &x);
Tensor gelu(const Tensor &x);
Tensor leaky_relu(const Tensor &x, double slope = 0.01);
Tensor clamp(const Tensor &x, std::optional<double> min, std::optional<double> max);
Tensor cast(const Tensor &x, DType dtype);

// Elementwise, binary (broadcasting); each also takes a scalar on either side.
#define DUET_BINARY_OP(fn)                                                                         \
  Tensor fn(const Tensor &a, const Tensor &b);                                                     \
  Tensor fn(const Tensor &a, double b);                                                            \
  Tensor fn(double a, const Tensor &b);
DUET_BINARY_OP(add)
DUET_BINARY_OP(sub)
DUET_BINARY_OP(mul)
DUET_BINARY_OP(div)
DUET_BINARY_OP(pow)
DUET_BINARY_OP(maximum)
DUET_BINARY_OP(minimum)
DUET_BINARY_OP(eq)
DUET_BINARY_OP(ne)
DUET_BINARY_OP(lt)
DUET_BINARY_OP(le)
DUET_BINARY_OP(gt)
DUET_BINARY_OP(ge)
#undef DUET_BINARY_OP
Tensor where(const Tensor &cond, const Tensor &a, const Tensor &b);

Tensor operator-(const Tensor &x);
#define DUET_BINARY_OPERATOR(sym)                                                                  \
  Tensor operator sym(const Tensor &a, const Tensor &b);                                           \
  Tensor operator sym(const Tensor &a, double b);                                                  \
  Tensor operator sym(double a, const Tensor &b);
DUET_BINARY_OPERATOR(+)
DUET_BINARY_OPERATOR(-)
DUET_BINARY_OPERATOR(*)
DUET_BINARY_OPERATOR(/)
// Comparisons give bool tensors. (== and != stay eq()/ne() so that Tensor
// keeps ordinary value semantics in containers and tests.)
DUET_BINARY_OPERATOR(<)
DUET_BINARY_OPERATOR(<=)
DUET_BINARY_OPERATOR(>)
DUET_BINARY_OPERATOR(>=)
#undef DUET_BINARY_OPERATOR

// Contractions. An undefined `bias` means none.
Tensor matmul(const Tensor &a, const Tensor &b);
Tensor linear(const Tensor &x, const Tensor &weight, const Tensor &bias = Tensor());

// Reductions (axes {} = all).
Tensor sum(const Tensor &x, const Axes &axes = {}, bool keepdim = false);
Tensor mean(const Tensor &x, const Axes &axes = {}, bool keepdim = false);
Tensor max(const Tensor &x, const Axes &axes = {}, bool keepdim = false);
Tensor min(const Tensor &x, const Axes &axes = {}, bool keepdim = false);
Tensor argmax(const Tensor &x, int64_t axis, bool keepdim = false);
Tensor softmax(const Tensor &x, int64_t axis = -1);
Tensor log_softmax(const Tensor &x, int64_t axis = -1);

// Data movement.
Tensor reshape(const Tensor &x, const Shape &shape);
Tensor view(const Tensor &x, const Shape &shape);
Tensor transpose(const Tensor &x, int64_t dim0, int64_t dim1);
Tensor permute(const Tensor &x, const Axes &dims);
Tensor broadcast_to(const Tensor &x, const Shape &shape);
Tensor expand(const Tensor &x, const Shape &shape);
Tensor concat(const std::vector<Tensor> &xs, int64_t axis = 0);
Tensor slice(const Tensor &x, int64_t axis, int64_t start,
             int64_t end = std::numeric_limits<int64_t>::max(), int64_t step = 1);

// Convolution and pooling (pairs are [h, w]).
struct Conv2dOptions {
  std::vector<int64_t> stride{1, 1};
  std::vector<int64_t> padding{0, 0};
  std::vector<int64_t> dilation{1, 1};
  int64_t groups = 1;
};
Tensor conv2d(const Tensor &x, const Tensor &weight, const Tensor &bias = Tensor(),
              const Conv2dOptions &opts = {});

struct Pool2dOptions {
  std::vector<int64_t> stride{}; // empty: the kernel size
  std::vector<int64_t> padding{0, 0};
  std::vector<int64_t> dilation{1, 1}; // max_pool2d only
  bool ceilMode = false;
  bool countIncludePad = true; // avg_pool2d only
};
Tensor max_pool2d(const Tensor &x, const std::vector<int64_t> &kernel,
                  const Pool2dOptions &opts = {});
Tensor avg_pool2d(const Tensor &x, const std::vector<int64_t> &kernel,
                  const Pool2dOptions &opts = {});
Tensor adaptive_avg_pool2d(const Tensor &x, const std::vector<int64_t> &outputSize);

// Normalization (batch_norm is the inference form).
Tensor batch_norm(const Tensor &x, const Tensor &mean, const Tensor &var, const Tensor &weight,
                  const Tensor &bias, double eps = 1e-5);
Tensor layer_norm(const Tensor &x, const Tensor &weight, const Tensor &bias, double eps = 1e-5);

// Indexing.
Tensor embedding(const Tensor &indices, const Tensor &weight);
Tensor gather(const Tensor &x, const Tensor &index, int64_t axis = 0);

// Losses (mean over elements / over the batch; scalar results).
Tensor mse_loss(const Tensor &a, const Tensor &b);
Tensor cross_entropy(const Tensor &logits, const Tensor &target);

} // namespace duet
