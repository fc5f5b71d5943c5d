//===- backends/pure/loss.cpp - mse_loss and cross_entropy ----------------===//
//
// Both reduce to a scalar mean, accumulated in double.
//

#include "backends/pure/common.h"
#include "backends/pure/eigen.h"
#include "backends/pure/kernels.h"

#include <cmath>
#include <limits>

namespace duet::pure {

namespace {

template <class T> using ConstArrayMap = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>;

template <class T> double mse(const Buffer &a, const Buffer &b) {
  const int64_t n = a.numel();
  ConstArrayMap<T> x(a.data<T>(), n), y(b.data<T>(), n);
  return (x - y).template cast<double>().square().sum() / double(n);
}

/// mean over rows of logsumexp(row) - row[target].
template <class T>
double crossEntropy(const Node &node, const Buffer &logits, const Buffer &target) {
  const int64_t n = logits.shape()[0], c = logits.shape()[1];
  const int64_t *t = target.data<int64_t>();
  double total = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (t[i] < 0 || t[i] >= c)
      fail(node, "target " + std::to_string(t[i]) + " out of range [0, " + std::to_string(c) +
                     ") at position " + std::to_string(i));
    ConstArrayMap<T> row(logits.data<T>() + i * c, c);
    const double m = double(row.template maxCoeff<Eigen::PropagateNaN>());
    const double lse = m + std::log((row.template cast<double>() - m).exp().sum());
    total += lse - double(row[t[i]]);
  }
  return total / double(n);
}

} // namespace

void runLoss(const Node &node, Inputs in, Buffer &out) {
  const Buffer &a = in[0], &b = in[1];
  if (node.op() == OpKind::MseLoss) {
    if (a.shape() != b.shape() || a.dtype() != b.dtype())
      fail(node, "operands " + a.type().str() + " and " + b.type().str() + " must match");
  } else {
    if (a.shape().size() != 2 || b.dtype() != DType::I64 || b.shape().size() != 1 ||
        b.shape()[0] != a.shape()[0])
      fail(node, "expects logits [N,C] and i64 targets [N], got " + a.type().str() + " and " +
                     b.type().str());
    if (a.shape()[1] == 0 && a.shape()[0] > 0)
      fail(node, "logits " + a.type().str() + " have no classes");
  }
  dispatchFloat(node, a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    double v = std::numeric_limits<double>::quiet_NaN(); // mean of nothing
    if (a.numel() > 0 || (node.op() == OpKind::CrossEntropy && a.shape()[0] > 0))
      v = node.op() == OpKind::MseLoss ? mse<T>(a, b) : crossEntropy<T>(node, a, b);
    out.data<T>()[0] = T(v);
  });
}

} // namespace duet::pure
