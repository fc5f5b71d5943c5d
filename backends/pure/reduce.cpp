//===- backends/pure/reduce.cpp - sum mean max min argmax -----------------===//
//
// Every reduction is brought to the shape [outer, R, inner] with the reduced
// dims in the middle: directly when they are adjacent, else after permuting
// the reduced dims to the back (a strided copy). Rows of R contiguous values
// (inner == 1) are Eigen reductions; otherwise whole inner rows are
// accumulated with Eigen array ops, which streams memory in order.
// f32 sums accumulate in f64, so long sums stay close to torch's cascade sum.
//

#include "backends/pure/common.h"
#include "backends/pure/eigen.h"
#include "backends/pure/kernels.h"
#include "backends/pure/strided.h"

#include <algorithm>
#include <cmath>

namespace duet::pure {

namespace {

template <class T> using ArrayMap = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>;
template <class T> using ConstArrayMap = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>;

template <class T> using Acc = std::conditional_t<std::is_same_v<T, float>, double, T>;

struct Split {
  int64_t outer, r, inner;
};

/// Reduces x viewed as [outer, R, inner] into out [outer, inner].
template <class T> void reduce3(OpKind op, const T *x, T *out, Split s) {
  using namespace Eigen::internal;
  constexpr bool isFloat = std::is_floating_point_v<T>;
  constexpr int nan = isFloat ? Eigen::PropagateNaN : Eigen::PropagateFast;
  const bool average = op == OpKind::Mean;
  for (int64_t o = 0; o < s.outer; ++o) {
    const T *xo = x + o * s.r * s.inner;
    T *yo = out + o * s.inner;
    if (s.inner == 1) {
      ConstArrayMap<T> row(xo, s.r);
      switch (op) {
      case OpKind::Sum:
      case OpKind::Mean: {
        Acc<T> total = 0;
        if constexpr (std::is_same_v<T, float>) {
          // Eigen does not vectorize a float->double cast inside a sum (it
          // ran at ~2 elements/ns): sum chunks in float, vectorized, and the
          // chunks' sums in double, as the fused loop does.
          constexpr int64_t kChunk = 1024;
          for (int64_t i = 0; i < s.r; i += kChunk)
            total += static_cast<double>(ConstArrayMap<T>(xo + i, std::min(kChunk, s.r - i)).sum());
        } else {
          total = row.template cast<Acc<T>>().sum();
        }
        *yo = static_cast<T>(average ? total / static_cast<Acc<T>>(s.r) : total);
        break;
      }
      case OpKind::Max: *yo = row.template maxCoeff<nan>(); break;
      default: *yo = row.template minCoeff<nan>(); break;
      }
      continue;
    }
    ArrayMap<T> y(yo, s.inner);
    if (op == OpKind::Sum || op == OpKind::Mean) {
      Eigen::Array<Acc<T>, Eigen::Dynamic, 1> acc =
          Eigen::Array<Acc<T>, Eigen::Dynamic, 1>::Zero(s.inner);
      for (int64_t r = 0; r < s.r; ++r)
        acc += ConstArrayMap<T>(xo + r * s.inner, s.inner).template cast<Acc<T>>();
      if (average)
        acc /= static_cast<Acc<T>>(s.r);
      y = acc.template cast<T>();
      continue;
    }
    y = ConstArrayMap<T>(xo, s.inner);
    for (int64_t r = 1; r < s.r; ++r) {
      ConstArrayMap<T> row(xo + r * s.inner, s.inner);
      if (op == OpKind::Max)
        y = y.binaryExpr(row, scalar_max_op<T, T, nan>());
      else
        y = y.binaryExpr(row, scalar_min_op<T, T, nan>());
    }
  }
}

/// Sorted, normalized, de-duplicated reduced axes ([] = all).
std::vector<int64_t> reducedAxes(const Node &node, int64_t rank) {
  std::vector<int64_t> axes = node.attrs().getInts("axes", {});
  if (axes.empty()) {
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
    return axes;
  }
  for (int64_t &a : axes) {
    if (a < -rank || a >= rank)
      fail(node, "axis " + std::to_string(a) + " out of range for rank " + std::to_string(rank));
    a = a < 0 ? a + rank : a;
  }
  std::sort(axes.begin(), axes.end());
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  return axes;
}

} // namespace

void runReduce(const Node &node, Inputs in, Buffer &out) {
  const Buffer &x = in[0];
  const Shape &shape = x.shape();
  const int64_t rank = static_cast<int64_t>(shape.size());
  const OpKind op = node.op();
  if (op == OpKind::Mean && !isFloating(x.dtype()))
    unsupportedDType(node, x.dtype());
  std::vector<int64_t> axes = rank == 0 ? std::vector<int64_t>{} : reducedAxes(node, rank);

  // Bring the reduced dims together: either they already are adjacent, or
  // permute them to the back.
  Buffer src = x;
  Split split{1, 1, 1};
  bool adjacent = axes.empty() || axes.back() - axes.front() + 1 == int64_t(axes.size());
  if (adjacent) {
    size_t lo = axes.empty() ? 0 : size_t(axes.front());
    size_t hi = axes.empty() ? 0 : size_t(axes.back()) + 1;
    split = {prod(shape, 0, lo), prod(shape, lo, hi), prod(shape, hi, shape.size())};
  } else {
    std::vector<int64_t> perm, strides = contiguousStrides(shape), permStrides;
    Shape permShape;
    for (int64_t d = 0; d < rank; ++d)
      if (!std::binary_search(axes.begin(), axes.end(), d))
        perm.push_back(d);
    perm.insert(perm.end(), axes.begin(), axes.end());
    for (int64_t d : perm) {
      permShape.push_back(shape[size_t(d)]);
      permStrides.push_back(strides[size_t(d)]);
    }
    src = Buffer::allocate(x.dtype(), permShape);
    stridedCopy(src.raw(), x.raw(), dtypeSize(x.dtype()), permShape, permStrides, 0);
    size_t kept = size_t(rank) - axes.size();
    split = {prod(permShape, 0, kept), prod(permShape, kept, permShape.size()), 1};
  }
  if (split.r == 0 && split.outer * split.inner > 0 && op != OpKind::Sum && op != OpKind::Mean)
    fail(node, "cannot reduce an empty dimension of " + x.type().str() + " (no identity)");

  dispatchNumeric(node, x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if (split.r == 0) { // empty sum is 0, empty mean is NaN, like torch
      ArrayMap<T>(out.data<T>(), out.numel())
          .setConstant(op == OpKind::Mean ? std::numeric_limits<T>::quiet_NaN() : T(0));
      return;
    }
    reduce3<T>(op, src.data<T>(), out.data<T>(), split);
  });
}

void runArgmax(const Node &node, Inputs in, Buffer &out) {
  const Buffer &x = in[0];
  const Shape &shape = x.shape();
  const int64_t rank = static_cast<int64_t>(shape.size());
  Split s{1, 1, 1};
  if (rank > 0) {
    int64_t axis = node.attrs().getInt("axis");
    if (axis < -rank || axis >= rank)
      fail(node, "axis " + std::to_string(axis) + " out of range for rank " + std::to_string(rank));
    size_t a = size_t(axis < 0 ? axis + rank : axis);
    s = {prod(shape, 0, a), shape[a], prod(shape, a + 1, shape.size())};
  }
  if (s.r == 0 && s.outer * s.inner > 0)
    fail(node, "cannot take argmax over an empty dimension of " + x.type().str());
  int64_t *y = out.data<int64_t>();
  dispatchNumeric(node, x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *px = x.data<T>();
    std::vector<T> best(static_cast<size_t>(s.inner));
    for (int64_t o = 0; o < s.outer; ++o) {
      const T *xo = px + o * s.r * s.inner;
      int64_t *yo = y + o * s.inner;
      for (int64_t i = 0; i < s.inner; ++i) {
        best[size_t(i)] = xo[i];
        yo[i] = 0;
      }
      for (int64_t r = 1; r < s.r; ++r) {
        const T *row = xo + r * s.inner;
        for (int64_t i = 0; i < s.inner; ++i) {
          T v = row[i], &b = best[size_t(i)];
          // The first maximum wins; NaN counts as the maximum (torch).
          bool better = v > b;
          if constexpr (std::is_floating_point_v<T>)
            better = better || (std::isnan(v) && !std::isnan(b));
          if (better) {
            b = v;
            yo[i] = r;
          }
        }
      }
    }
  });
}

} // namespace duet::pure
