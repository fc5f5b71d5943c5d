//===- frontend/import/aten_ops_elementwise.cpp - pointwise and reductions ===//
#include "frontend/import/aten_ops.h"

#include "ir/error.h"

namespace duet::import {

namespace {

OpMapper unary(OpKind k) {
  return [k](Converter &c, const TsNode &n) -> ImportValue {
    return c.add(k, {c.tensor(n.input(0))});
  };
}

/// Both operands of a broadcasting binary op; at most one may be a scalar.
std::pair<Node *, Node *> binaryOperands(Converter &c, const TsNode &n) {
  if (!c.isStatic(n.input(0))) {
    Node *a = c.tensor(n.input(0));
    return {a, c.operand(n.input(1), a)};
  }
  Node *b = c.tensor(n.input(1));
  return {c.operand(n.input(0), b), b};
}

/// b scaled by `alpha` (input 2 of add/sub/rsub), unless alpha is 1.
Node *scaledByAlpha(Converter &c, const TsNode &n, Node *b) {
  if (n.inputs().size() < 3 || c.f(n.input(2)) == 1.0)
    return b;
  return c.add(OpKind::Mul, {b, c.scalar(c.f(n.input(2)), b->dtype())});
}

OpMapper binary(OpKind k) {
  return [k](Converter &c, const TsNode &n) -> ImportValue {
    auto [a, b] = binaryOperands(c, n);
    return c.add(k, {a, (k == OpKind::Add || k == OpKind::Sub) ? scaledByAlpha(c, n, b) : b});
  };
}

ImportValue rsub(Converter &c, const TsNode &n) {
  auto [a, b] = binaryOperands(c, n);
  return c.add(OpKind::Sub, {b, scaledByAlpha(c, n, a)});
}

ImportValue div(Converter &c, const TsNode &n) {
  if (n.inputs().size() > 2 && !c.isNone(n.input(2)))
    throw Error("rounding_mode='" + c.s(n.input(2)) + "' is not supported on run-time tensors");
  auto [a, b] = binaryOperands(c, n);
  if (!isFloating(a->dtype()))
    throw Error("true division of integer tensors is not supported (duet does not promote)");
  return c.add(OpKind::Div, {a, b});
}

Attributes clampBounds(std::optional<double> lo, std::optional<double> hi) {
  Attributes a;
  if (lo)
    a.set("min", *lo);
  if (hi)
    a.set("max", *hi);
  return a;
}

std::optional<double> optionalNumber(Converter &c, const TsValue *v) {
  if (c.isNone(v))
    return std::nullopt;
  const c10::IValue &iv = c.constant(v);
  if (iv.isTensor())
    return iv.toTensor().item<double>();
  return c.f(v);
}

ImportValue clamp(Converter &c, const TsNode &n) {
  return c.add(OpKind::Clamp, {c.tensor(n.input(0))},
               clampBounds(optionalNumber(c, n.input(1)), optionalNumber(c, n.input(2))));
}

ImportValue hardtanh(Converter &c, const TsNode &n) {
  return c.add(OpKind::Clamp, {c.tensor(n.input(0))},
               clampBounds(c.f(n.input(1)), c.f(n.input(2))));
}

ImportValue relu6(Converter &c, const TsNode &n) {
  return c.add(OpKind::Clamp, {c.tensor(n.input(0))}, clampBounds(0.0, 6.0));
}

ImportValue gelu(Converter &c, const TsNode &n) {
  if (n.inputs().size() > 1 && c.s(n.input(1)) != "none")
    throw Error("gelu approximate='" + c.s(n.input(1)) + "' is not supported (only 'none')");
  return c.add(OpKind::Gelu, {c.tensor(n.input(0))});
}

ImportValue leakyRelu(Converter &c, const TsNode &n) {
  Attributes a;
  a.set("slope", n.inputs().size() > 1 ? c.f(n.input(1)) : 0.01);
  return c.add(OpKind::LeakyRelu, {c.tensor(n.input(0))}, std::move(a));
}

ImportValue silu(Converter &c, const TsNode &n) {
  Node *x = c.tensor(n.input(0));
  return c.add(OpKind::Mul, {x, c.add(OpKind::Sigmoid, {x})});
}

/// relu6(x + 3) / 6: hardsigmoid; x times that: hardswish.
Node *hardsigmoidOf(Converter &c, Node *x) {
  Node *shifted = c.add(OpKind::Add, {x, c.scalar(3.0, x->dtype())});
  Node *clamped = c.add(OpKind::Clamp, {shifted}, clampBounds(0.0, 6.0));
  return c.add(OpKind::Div, {clamped, c.scalar(6.0, x->dtype())});
}

ImportValue hardsigmoid(Converter &c, const TsNode &n) {
  return hardsigmoidOf(c, c.tensor(n.input(0)));
}

ImportValue hardswish(Converter &c, const TsNode &n) {
  Node *x = c.tensor(n.input(0));
  return c.add(OpKind::Mul, {x, hardsigmoidOf(c, x)});
}

ImportValue pow(Converter &c, const TsNode &n) {
  auto [a, b] = binaryOperands(c, n);
  return c.add(OpKind::Pow, {a, b});
}

/// softmax(x, dim, dtype=None) and log_softmax.
OpMapper softmax(OpKind k) {
  return [k](Converter &c, const TsNode &n) -> ImportValue {
    if (n.inputs().size() > 2 && !c.isNone(n.input(2)))
      throw Error("a dtype argument is not supported");
    Attributes a;
    a.set("axis", c.i(n.input(1)));
    return c.add(k, {c.tensor(n.input(0))}, std::move(a));
  };
}

/// mean/sum(x, dim, keepdim, dtype=None) or (x, dtype=None): all dims.
OpMapper reduction(OpKind k) {
  return [k](Converter &c, const TsNode &n) -> ImportValue {
    Attributes a;
    bool byDims = n.inputs().size() >= 3;
    if (!c.isNone(n.input(n.inputs().size() - 1)))
      throw Error("a dtype argument is not supported");
    a.set("axes", byDims && !c.isNone(n.input(1)) ? c.ints(n.input(1)) : std::vector<int64_t>{});
    a.set("keepdim", byDims ? c.b(n.input(2)) : false);
    return c.add(k, {c.tensor(n.input(0))}, std::move(a));
  };
}

} // namespace

void addElementwiseMappers(OpMappers &m) {
  for (auto [name, k] : {std::pair{"relu", OpKind::Relu},
                         {"sigmoid", OpKind::Sigmoid},
                         {"tanh", OpKind::Tanh},
                         {"exp", OpKind::Exp},
                         {"log", OpKind::Log},
                         {"sqrt", OpKind::Sqrt},
                         {"rsqrt", OpKind::Rsqrt},
                         {"neg", OpKind::Neg},
                         {"abs", OpKind::Abs}})
    m[std::string("aten::") + name] = unary(k);
  m["aten::add"] = binary(OpKind::Add);
  m["aten::sub"] = binary(OpKind::Sub);
  m["aten::mul"] = binary(OpKind::Mul);
  m["aten::maximum"] = binary(OpKind::Maximum);
  m["aten::minimum"] = binary(OpKind::Minimum);
  m["aten::rsub"] = rsub;
  m["aten::div"] = div;
  m["aten::pow"] = pow;
  m["aten::clamp"] = clamp;
  m["aten::hardtanh"] = hardtanh;
  m["aten::relu6"] = relu6;
  m["aten::gelu"] = gelu;
  m["aten::leaky_relu"] = leakyRelu;
  m["aten::silu"] = silu;
  m["aten::hardsigmoid"] = hardsigmoid;
  m["aten::hardswish"] = hardswish;
  m["aten::softmax"] = softmax(OpKind::Softmax);
  m["aten::log_softmax"] = softmax(OpKind::LogSoftmax);
  m["aten::mean"] = reduction(OpKind::Mean);
  m["aten::sum"] = reduction(OpKind::Sum);
}

} // namespace duet::import
