//===- backends/pure/norm.cpp - batch_norm (inference) and layer_norm -----===//

#include "backends/pure/common.h"
#include "backends/pure/eigen.h"
#include "backends/pure/kernels.h"

#include <cmath>

namespace duet::pure {

namespace {

template <class T> using ArrayMap = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>;
template <class T> using ConstArrayMap = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>;

} // namespace

void runBatchNorm(const Node &node, Inputs in, Buffer &out) {
  const Shape &xs = in[0].shape();
  if (xs.size() < 2)
    fail(node, "expects x [N,C,...], got " + in[0].type().str());
  const int64_t n = xs[0], c = xs[1], spatial = prod(xs, 2, xs.size());
  for (size_t i = 1; i < 5; ++i)
    if (in[i].numel() != c)
      fail(node, "operand " + std::to_string(i) + " " + in[i].type().str() + " must have " +
                     std::to_string(c) + " elements (one per channel)");
  const double eps = node.attrs().getFloat("eps", 1e-5);
  dispatchFloat(node, in[0].dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *x = in[0].data<T>(), *mean = in[1].data<T>(), *var = in[2].data<T>();
    const T *w = in[3].data<T>(), *b = in[4].data<T>();
    T *y = out.data<T>();
    // y = (x - mean) / sqrt(var + eps) * w + b  ==  x * scale + shift.
    std::vector<T> scale(static_cast<size_t>(c)), shift(static_cast<size_t>(c));
    for (int64_t k = 0; k < c; ++k) {
      double s = double(w[k]) / std::sqrt(double(var[k]) + eps);
      scale[size_t(k)] = T(s);
      shift[size_t(k)] = T(double(b[k]) - double(mean[k]) * s);
    }
    for (int64_t i = 0; i < n; ++i)
      for (int64_t k = 0; k < c; ++k) {
        const int64_t at = (i * c + k) * spatial;
        ArrayMap<T>(y + at, spatial) =
            ConstArrayMap<T>(x + at, spatial) * scale[size_t(k)] + shift[size_t(k)];
      }
  });
}

void runLayerNorm(const Node &node, Inputs in, Buffer &out) {
  const int64_t d = in[1].numel();
  if (in[2].numel() != d || in[1].shape().size() > in[0].shape().size())
    fail(node, "weight " + in[1].type().str() + " and bias " + in[2].type().str() +
                   " must both be the trailing dims of x " + in[0].type().str());
  if (out.numel() == 0)
    return;
  const int64_t rows = in[0].numel() / d;
  const double eps = node.attrs().getFloat("eps", 1e-5);
  dispatchFloat(node, in[0].dtype(), [&](auto tag) {
    using T = decltype(tag);
    ConstArrayMap<T> w(in[1].data<T>(), d), b(in[2].data<T>(), d);
    for (int64_t r = 0; r < rows; ++r) {
      ConstArrayMap<T> x(in[0].data<T>() + r * d, d);
      ArrayMap<T> y(out.data<T>() + r * d, d);
      // Two passes (mean, then centred variance) in double: stable for rows
      // with a large mean.
      const double mean = x.template cast<double>().sum() / double(d);
      const double var = (x.template cast<double>() - mean).square().sum() / double(d);
      const T rstd = T(1.0 / std::sqrt(var + eps));
      y = (x - T(mean)) * rstd * w + b;
    }
  });
}

} // namespace duet::pure
