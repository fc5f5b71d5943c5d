//===- backends/pure/softmax.cpp - softmax and log_softmax ----------------===//
//
// Numerically stable: subtract the maximum along the axis before exp. The
// axis splits x into [outer, R, inner]; contiguous rows (inner == 1) use Eigen
// vector reductions, otherwise whole inner rows are processed at once.
//

#include "backends/pure/common.h"
#include "backends/pure/eigen.h"
#include "backends/pure/kernels.h"

namespace duet::pure {

namespace {

template <class T> using Array = Eigen::Array<T, Eigen::Dynamic, 1>;
template <class T> using ArrayMap = Eigen::Map<Array<T>>;
template <class T> using ConstArrayMap = Eigen::Map<const Array<T>>;

template <class T>
void softmax3(const T *x, T *y, int64_t outer, int64_t r, int64_t inner, bool logForm) {
  using MaxOp = Eigen::internal::scalar_max_op<T, T, Eigen::PropagateNaN>;
  for (int64_t o = 0; o < outer; ++o) {
    const T *xo = x + o * r * inner;
    T *yo = y + o * r * inner;
    if (inner == 1) {
      ConstArrayMap<T> xr(xo, r);
      ArrayMap<T> yr(yo, r);
      const T m = xr.template maxCoeff<Eigen::PropagateNaN>();
      yr = (xr - m).exp();
      const T sum = yr.sum();
      if (logForm)
        yr = xr - m - std::log(sum);
      else
        yr /= sum;
      continue;
    }
    Array<T> m = ConstArrayMap<T>(xo, inner);
    for (int64_t k = 1; k < r; ++k)
      m = m.binaryExpr(ConstArrayMap<T>(xo + k * inner, inner), MaxOp());
    Array<T> sum = Array<T>::Zero(inner);
    for (int64_t k = 0; k < r; ++k) {
      ArrayMap<T> yr(yo + k * inner, inner);
      yr = (ConstArrayMap<T>(xo + k * inner, inner) - m).exp();
      sum += yr;
    }
    if (logForm) {
      Array<T> shift = m + sum.log();
      for (int64_t k = 0; k < r; ++k)
        ArrayMap<T>(yo + k * inner, inner) = ConstArrayMap<T>(xo + k * inner, inner) - shift;
    } else {
      Array<T> inv = sum.inverse();
      for (int64_t k = 0; k < r; ++k)
        ArrayMap<T>(yo + k * inner, inner) *= inv;
    }
  }
}

} // namespace

void runSoftmax(const Node &node, Inputs in, Buffer &out) {
  const Shape &shape = in[0].shape();
  const int64_t rank = static_cast<int64_t>(shape.size());
  int64_t outer = 1, r = 1, inner = 1;
  if (rank > 0) { // a scalar is its own (single-element) axis
    int64_t axis = node.attrs().getInt("axis", -1);
    if (axis < -rank || axis >= rank)
      fail(node, "axis " + std::to_string(axis) + " out of range for rank " + std::to_string(rank));
    size_t a = size_t(axis < 0 ? axis + rank : axis);
    outer = prod(shape, 0, a);
    r = shape[a];
    inner = prod(shape, a + 1, shape.size());
  }
  if (out.numel() == 0)
    return;
  dispatchFloat(node, in[0].dtype(), [&](auto tag) {
    using T = decltype(tag);
    softmax3<T>(in[0].data<T>(), out.data<T>(), outer, r, inner, node.op() == OpKind::LogSoftmax);
  });
}

} // namespace duet::pure
