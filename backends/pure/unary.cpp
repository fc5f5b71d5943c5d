//===- backends/pure/unary.cpp - unary elementwise ops and cast -----------===//
//
// Each op is one Eigen array expression over the whole (contiguous) buffer.
//

#include "backends/pure/common.h"
#include "backends/pure/kernels.h"
#include "backends/pure/math.h"

#include "backends/pure/eigen.h"

#include <cmath>

namespace duet::pure {

namespace {

template <class T> using ArrayMap = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>;
template <class T> using ConstArrayMap = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>;

/// Two's-complement negation without signed-overflow UB (torch wraps too).
inline int64_t wrapNeg(int64_t v) { return static_cast<int64_t>(0ULL - static_cast<uint64_t>(v)); }

/// A float clamp bound as an integer bound: truncation is monotonic and
/// keeps integers fixed, so clamping by the truncated bound equals clamping
/// in floating point and truncating the result.
int64_t intBound(double b) {
  if (std::isnan(b))
    return 0;
  if (b >= 9223372036854775807.0)
    return std::numeric_limits<int64_t>::max();
  if (b <= -9223372036854775808.0)
    return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(b);
}

void intClamp(const Node &node, ConstArrayMap<int64_t> x, ArrayMap<int64_t> y) {
  const Attributes &a = node.attrs();
  const int64_t lo =
      a.has("min") ? intBound(a.getFloat("min")) : std::numeric_limits<int64_t>::min();
  const int64_t hi =
      a.has("max") ? intBound(a.getFloat("max")) : std::numeric_limits<int64_t>::max();
  y = x.max(lo).min(hi);
}

template <class T> void floatUnary(const Node &node, ConstArrayMap<T> x, ArrayMap<T> y) {
  const UnaryConstants c =
      UnaryConstants::usedBy(node.op()) ? UnaryConstants::of(node.attrs()) : UnaryConstants{};
  if (!floatUnaryInto(node.op(), c, x, y))
    unsupportedDType(node, DTypeOf<T>::value);
}

void intUnary(const Node &node, ConstArrayMap<int64_t> x, ArrayMap<int64_t> y) {
  switch (node.op()) {
  case OpKind::Neg: y = x.unaryExpr([](int64_t v) { return wrapNeg(v); }); return;
  case OpKind::Abs: y = x.unaryExpr([](int64_t v) { return v < 0 ? wrapNeg(v) : v; }); return;
  case OpKind::Relu: y = x.max(int64_t(0)); return;
  case OpKind::Clamp: intClamp(node, x, y); return;
  default: break;
  }
  unsupportedDType(node, DType::I64);
}

template <class To, class From> void castLoop(const Buffer &in, Buffer &out) {
  const From *x = in.data<From>();
  To *y = out.data<To>();
  const int64_t n = in.numel();
  if constexpr (std::is_same_v<To, From> ||
                (std::is_floating_point_v<To> && !std::is_same_v<From, bool>)) {
    // Plain conversions Eigen vectorizes.
    ArrayMap<To>(y, n) = ConstArrayMap<From>(x, n).template cast<To>();
  } else {
    for (int64_t i = 0; i < n; ++i)
      y[i] = convertElement<To>(x[i]);
  }
}

} // namespace

void runUnary(const Node &node, Inputs in, Buffer &out) {
  const int64_t n = out.numel();
  dispatchNumeric(node, in[0].dtype(), [&](auto tag) {
    using T = decltype(tag);
    ConstArrayMap<T> x(in[0].data<T>(), n);
    ArrayMap<T> y(out.data<T>(), n);
    if constexpr (std::is_same_v<T, int64_t>)
      intUnary(node, x, y);
    else
      floatUnary<T>(node, x, y);
  });
}

void runCast(const Node &, Inputs in, Buffer &out) {
  dispatchDType(in[0].dtype(), [&](auto fromTag) {
    using From = decltype(fromTag);
    dispatchDType(out.dtype(), [&](auto toTag) {
      using To = decltype(toTag);
      castLoop<To, From>(in[0], out);
    });
  });
}

} // namespace duet::pure
