//===- frontend/ops_elementwise.cpp - unary, binary and ternary ops -------===//
#include "frontend/ops.h"
#include "frontend/record.h"

namespace duet {

#define DUET_UNARY(fn, Kind)                                                                       \
  Tensor fn(const Tensor &x) { return record(OpKind::Kind, {x}); }
DUET_UNARY(neg, Neg)
DUET_UNARY(abs, Abs)
DUET_UNARY(exp, Exp)
DUET_UNARY(log, Log)
DUET_UNARY(sqrt, Sqrt)
DUET_UNARY(rsqrt, Rsqrt)
DUET_UNARY(tanh, Tanh)
DUET_UNARY(sigmoid, Sigmoid)
DUET_UNARY(relu, Relu)
DUET_UNARY(gelu, Gelu)
#undef DUET_UNARY

Tensor leaky_relu(const Tensor &x, double slope) {
  Attributes a;
  a.set("slope", slope);
  return record(OpKind::LeakyRelu, {x}, std::move(a));
}

Tensor clamp(const Tensor &x, std::optional<double> min, std::optional<double> max) {
  Attributes a;
  if (min)
    a.set("min", *min);
  if (max)
    a.set("max", *max);
  return record(OpKind::Clamp, {x}, std::move(a));
}

Tensor cast(const Tensor &x, DType dtype) {
  Attributes a;
  a.set("dtype", std::string(dtypeName(dtype)));
  return record(OpKind::Cast, {x}, std::move(a));
}

#define DUET_BINARY(fn, Kind)                                                                      \
  Tensor fn(const Tensor &a, const Tensor &b) { return record(OpKind::Kind, {a, b}); }             \
  Tensor fn(const Tensor &a, double b) { return record(OpKind::Kind, {a, constantLike(a, b)}); }   \
  Tensor fn(double a, const Tensor &b) { return record(OpKind::Kind, {constantLike(b, a), b}); }
DUET_BINARY(add, Add)
DUET_BINARY(sub, Sub)
DUET_BINARY(mul, Mul)
DUET_BINARY(div, Div)
DUET_BINARY(pow, Pow)
DUET_BINARY(maximum, Maximum)
DUET_BINARY(minimum, Minimum)
DUET_BINARY(eq, Eq)
DUET_BINARY(ne, Ne)
DUET_BINARY(lt, Lt)
DUET_BINARY(le, Le)
DUET_BINARY(gt, Gt)
DUET_BINARY(ge, Ge)
#undef DUET_BINARY

Tensor where(const Tensor &cond, const Tensor &a, const Tensor &b) {
  return record(OpKind::Where, {cond, a, b});
}

Tensor operator-(const Tensor &x) { return neg(x); }

#define DUET_OPERATOR(sym, fn)                                                                     \
  Tensor operator sym(const Tensor &a, const Tensor &b) { return fn(a, b); }                       \
  Tensor operator sym(const Tensor &a, double b) { return fn(a, b); }                              \
  Tensor operator sym(double a, const Tensor &b) { return fn(a, b); }
DUET_OPERATOR(+, add)
DUET_OPERATOR(-, sub)
DUET_OPERATOR(*, mul)
DUET_OPERATOR(/, div)
DUET_OPERATOR(<, lt)
DUET_OPERATOR(<=, le)
DUET_OPERATOR(>, gt)
DUET_OPERATOR(>=, ge)
#undef DUET_OPERATOR

} // namespace duet
