//===- backends/pure/elementwise.cpp - broadcasting binary ops, where -----===//
//
// NumPy broadcasting. Equal shapes and scalar operands go straight to one
// Eigen array expression over the whole buffer; anything else runs the
// collapsed strided loop (strided.h), whose inner rows are again Eigen
// expressions (an operand broadcast along the row is a Constant splat).
//

#include "backends/pure/common.h"
#include "backends/pure/kernels.h"
#include "backends/pure/strided.h"

#include "backends/pure/eigen.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace duet::pure {

namespace {

template <class T> using ArrayMap = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>;
template <class T> using ConstArrayMap = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>;

/// Calls use(expr) with `n` elements of p as an Eigen array expression:
/// a Map when the row stride is 1, a splat of *p when it is 0.
template <class T, class Use> void withRow(const T *p, int64_t stride, int64_t n, Use &&use) {
  assert((stride == 0 || stride == 1) && "broadcast rows have stride 0 or 1");
  if (stride == 1)
    use(ConstArrayMap<T>(p, n));
  else
    use(Eigen::Array<T, Eigen::Dynamic, 1>::Constant(n, *p));
}

/// out[0:n] = f(a row, b row).
template <class R, class T, class F>
void row2(R *o, const T *a, int64_t sa, const T *b, int64_t sb, int64_t n, const F &f) {
  ArrayMap<R> out(o, n);
  withRow(a, sa, n,
          [&](const auto &x) { withRow(b, sb, n, [&](const auto &y) { out = f(x, y); }); });
}

/// True if `row`, without its leading 1s, equals the trailing dims of `out`.
inline bool isTrailingRow(const Shape &row, const Shape &out) {
  size_t lead = 0;
  while (lead < row.size() && row[lead] == 1)
    ++lead;
  const size_t len = row.size() - lead;
  return len <= out.size() && std::equal(row.begin() + lead, row.end(), out.end() - len);
}

/// Applies f elementwise with NumPy broadcasting of a and b into out.
template <class R, class T, class F>
void broadcast2(const Buffer &a, const Buffer &b, Buffer &out, const F &f) {
  const T *pa = a.data<T>();
  const T *pb = b.data<T>();
  R *po = out.data<R>();
  const int64_t n = out.numel();
  if (a.shape() == b.shape())
    return row2(po, pa, 1, pb, 1, n, f);
  if (b.numel() == 1 && a.numel() == n)
    return row2(po, pa, 1, pb, 0, n, f);
  if (a.numel() == 1 && b.numel() == n)
    return row2(po, pa, 0, pb, 1, n, f);
  // A full operand and a row operand matching out's trailing dims (a bias):
  // one Eigen expression per row, no index arithmetic.
  if (a.numel() == n && isTrailingRow(b.shape(), out.shape())) {
    const int64_t len = b.numel();
    for (int64_t r = 0; len > 0 && r < n / len; ++r)
      row2(po + r * len, pa + r * len, 1, pb, 1, len, f);
    return;
  }
  if (b.numel() == n && isTrailingRow(a.shape(), out.shape())) {
    const int64_t len = a.numel();
    for (int64_t r = 0; len > 0 && r < n / len; ++r)
      row2(po + r * len, pa, 1, pb + r * len, 1, len, f);
    return;
  }
  const Shape &s = out.shape();
  StridedLoop<3> loop = makeLoop<3>(
      s, {contiguousStrides(s), broadcastStrides(a.shape(), s), broadcastStrides(b.shape(), s)});
  const int64_t sa = loop.innerStride(1), sb = loop.innerStride(2), inner = loop.inner();
  forEachRow(loop, [&](const std::array<int64_t, 3> &off) {
    row2(po + off[0], pa + off[1], sa, pb + off[2], sb, inner, f);
  });
}

// i64 arithmetic wraps like torch's, without C++ signed-overflow UB.
inline int64_t wrapAdd(int64_t x, int64_t y) {
  return static_cast<int64_t>(static_cast<uint64_t>(x) + static_cast<uint64_t>(y));
}
inline int64_t wrapSub(int64_t x, int64_t y) {
  return static_cast<int64_t>(static_cast<uint64_t>(x) - static_cast<uint64_t>(y));
}
inline int64_t wrapMul(int64_t x, int64_t y) {
  return static_cast<int64_t>(static_cast<uint64_t>(x) * static_cast<uint64_t>(y));
}
inline int64_t truncDiv(int64_t x, int64_t y) {
  // INT64_MIN / -1 overflows (and traps on x86); wrap it like torch.
  return y == -1 ? wrapSub(0, x) : x / y;
}

template <class T> void floatBinary(const Node &node, Inputs in, Buffer &out) {
  using namespace Eigen::internal;
  const Buffer &a = in[0], &b = in[1];
  switch (node.op()) {
  case OpKind::Add:
    return broadcast2<T, T>(a, b, out, [](const auto &x, const auto &y) { return x + y; });
  case OpKind::Sub:
    return broadcast2<T, T>(a, b, out, [](const auto &x, const auto &y) { return x - y; });
  case OpKind::Mul:
    return broadcast2<T, T>(a, b, out, [](const auto &x, const auto &y) { return x * y; });
  case OpKind::Div:
    return broadcast2<T, T>(a, b, out, [](const auto &x, const auto &y) { return x / y; });
  case OpKind::Pow:
    return broadcast2<T, T>(a, b, out, [](const auto &x, const auto &y) {
      return x.binaryExpr(y, [](T u, T v) { return std::pow(u, v); });
    });
  case OpKind::Maximum: // torch.maximum propagates NaN
    return broadcast2<T, T>(a, b, out, [](const auto &x, const auto &y) {
      return x.binaryExpr(y, scalar_max_op<T, T, Eigen::PropagateNaN>());
    });
  case OpKind::Minimum:
    return broadcast2<T, T>(a, b, out, [](const auto &x, const auto &y) {
      return x.binaryExpr(y, scalar_min_op<T, T, Eigen::PropagateNaN>());
    });
  default: break;
  }
  unsupportedDType(node, DTypeOf<T>::value);
}

void intBinary(const Node &node, Inputs in, Buffer &out) {
  using T = int64_t;
  const Buffer &a = in[0], &b = in[1];
  auto scalarOp = [&](auto op) {
    broadcast2<T, T>(a, b, out, [op](const auto &x, const auto &y) { return x.binaryExpr(y, op); });
  };
  switch (node.op()) {
  case OpKind::Add: return scalarOp([](T x, T y) { return wrapAdd(x, y); });
  case OpKind::Sub: return scalarOp([](T x, T y) { return wrapSub(x, y); });
  case OpKind::Mul: return scalarOp([](T x, T y) { return wrapMul(x, y); });
  case OpKind::Div: {
    const T *pb = b.data<T>();
    for (int64_t i = 0; i < b.numel(); ++i)
      if (pb[i] == 0)
        fail(node, "integer division by zero (divisor element " + std::to_string(i) + ")");
    return scalarOp([](T x, T y) { return truncDiv(x, y); });
  }
  case OpKind::Maximum:
    return broadcast2<T, T>(a, b, out, [](const auto &x, const auto &y) { return x.max(y); });
  case OpKind::Minimum:
    return broadcast2<T, T>(a, b, out, [](const auto &x, const auto &y) { return x.min(y); });
  default: break;
  }
  unsupportedDType(node, DType::I64);
}

} // namespace

void runBinary(const Node &node, Inputs in, Buffer &out) {
  if (in[1].dtype() != in[0].dtype())
    unsupportedDType(node, in[1].dtype());
  dispatchNumeric(node, in[0].dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, int64_t>)
      intBinary(node, in, out);
    else
      floatBinary<T>(node, in, out);
  });
}

void runCompare(const Node &node, Inputs in, Buffer &out) {
  if (in[1].dtype() != in[0].dtype())
    unsupportedDType(node, in[1].dtype());
  dispatchDType(in[0].dtype(), [&](auto tag) {
    using T = decltype(tag);
    const Buffer &a = in[0], &b = in[1];
    switch (node.op()) {
    case OpKind::Eq:
      return broadcast2<bool, T>(a, b, out, [](const auto &x, const auto &y) { return x == y; });
    case OpKind::Ne:
      return broadcast2<bool, T>(a, b, out, [](const auto &x, const auto &y) { return x != y; });
    case OpKind::Lt:
      return broadcast2<bool, T>(a, b, out, [](const auto &x, const auto &y) { return x < y; });
    case OpKind::Le:
      return broadcast2<bool, T>(a, b, out, [](const auto &x, const auto &y) { return x <= y; });
    case OpKind::Gt:
      return broadcast2<bool, T>(a, b, out, [](const auto &x, const auto &y) { return x > y; });
    case OpKind::Ge:
      return broadcast2<bool, T>(a, b, out, [](const auto &x, const auto &y) { return x >= y; });
    default: fail(node, "not a comparison");
    }
  });
}

void runWhere(const Node &node, Inputs in, Buffer &out) {
  if (in[0].dtype() != DType::Bool)
    unsupportedDType(node, in[0].dtype());
  if (in[1].dtype() != in[2].dtype())
    unsupportedDType(node, in[2].dtype());
  const Shape &s = out.shape();
  StridedLoop<4> loop =
      makeLoop<4>(s, {contiguousStrides(s), broadcastStrides(in[0].shape(), s),
                      broadcastStrides(in[1].shape(), s), broadcastStrides(in[2].shape(), s)});
  const int64_t n = loop.inner();
  const int64_t sc = loop.innerStride(1), sa = loop.innerStride(2), sb = loop.innerStride(3);
  const bool *c = in[0].data<bool>();
  dispatchDType(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *a = in[1].data<T>(), *b = in[2].data<T>();
    T *o = out.data<T>();
    forEachRow(loop, [&](const std::array<int64_t, 4> &off) {
      const bool *cr = c + off[1];
      const T *ar = a + off[2], *br = b + off[3];
      T *orow = o + off[0];
      for (int64_t i = 0; i < n; ++i) // branch-free select; vectorizes
        orow[i] = cr[i * sc] ? ar[i * sa] : br[i * sb];
    });
  });
}

} // namespace duet::pure
