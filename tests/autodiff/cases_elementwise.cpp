//===- tests/autodiff/cases_elementwise.cpp - gradient checks: elementwise ===//
//
// Random shapes of rank 0-3; binary ops get operands broadcast against each
// other. Inputs of ops with kinks are drawn away from them.
//
#include "tests/autodiff/grad_check.h"

namespace duet::test {
namespace {

using Nodes = std::vector<Node *>;

GradCase unaryCase(OpKind k, Fill fill, Attributes a = {}, std::string suffix = "") {
  return {std::string(opName(k)) + suffix, {k}, [=](CaseGraph &c) {
            return c.op(k, {c.input(c.shape(0, 3), fill)}, a);
          }};
}

Attributes attr(const std::string &name, AttrValue v) {
  Attributes a;
  a.set(name, std::move(v));
  return a;
}

/// Operands broadcast both ways: each is a random "broadcastable" of a
/// common shape.
GradCase binaryCase(OpKind k, Fill lhs, Fill rhs) {
  return {std::string(opName(k)), {k}, [=](CaseGraph &c) {
            Shape s = c.shape(0, 3);
            Node *a = c.input(c.rng().coin() ? s : c.broadcastable(s), lhs);
            Node *b = c.input(c.rng().coin() ? s : c.broadcastable(s), rhs);
            return c.op(k, {a, b});
          }};
}

} // namespace

std::vector<GradCase> elementwiseGradCases() {
  std::vector<GradCase> cs;
  cs.push_back(unaryCase(OpKind::Neg, Fill::Normal));
  cs.push_back(unaryCase(OpKind::Abs, Fill::AwayFromZero));
  cs.push_back(unaryCase(OpKind::Exp, Fill::Normal));
  cs.push_back(unaryCase(OpKind::Log, Fill::Positive));
  cs.push_back(unaryCase(OpKind::Sqrt, Fill::Positive));
  cs.push_back(unaryCase(OpKind::Rsqrt, Fill::Positive));
  cs.push_back(unaryCase(OpKind::Tanh, Fill::Normal));
  cs.push_back(unaryCase(OpKind::Sigmoid, Fill::Normal));
  cs.push_back(unaryCase(OpKind::Relu, Fill::AwayFromZero));
  cs.push_back(unaryCase(OpKind::Gelu, Fill::Normal));
  cs.push_back(unaryCase(OpKind::LeakyRelu, Fill::AwayFromZero, attr("slope", 0.2), "_slope"));
  cs.push_back(unaryCase(OpKind::LeakyRelu, Fill::AwayFromZero));
  // Bounds at ±0.1: AwayFromZero values are at least 0.1 away from them.
  Attributes both = attr("min", -0.1);
  both.set("max", 0.1);
  cs.push_back(unaryCase(OpKind::Clamp, Fill::AwayFromZero, both, "_both"));
  cs.push_back(unaryCase(OpKind::Clamp, Fill::AwayFromZero, attr("min", 0.0), "_min"));
  cs.push_back(unaryCase(OpKind::Clamp, Fill::AwayFromZero, attr("max", 0.0), "_max"));
  // f64 -> f64 is the identity cast; f32 casts are checked exactly elsewhere.
  cs.push_back(unaryCase(OpKind::Cast, Fill::Normal, attr("dtype", std::string("f64"))));

  cs.push_back(binaryCase(OpKind::Add, Fill::Normal, Fill::Normal));
  cs.push_back(binaryCase(OpKind::Sub, Fill::Normal, Fill::Normal));
  cs.push_back(binaryCase(OpKind::Mul, Fill::Normal, Fill::Normal));
  cs.push_back(binaryCase(OpKind::Div, Fill::Normal, Fill::AwayFromZero));
  cs.push_back(binaryCase(OpKind::Pow, Fill::Positive, Fill::Normal));
  // Random values never tie, so the winner is unique.
  cs.push_back(binaryCase(OpKind::Maximum, Fill::Normal, Fill::Normal));
  cs.push_back(binaryCase(OpKind::Minimum, Fill::Normal, Fill::Normal));
  cs.push_back({"where", {OpKind::Where}, [](CaseGraph &c) {
                  Shape s = c.shape(0, 3);
                  Node *m = c.mask(c.rng().coin() ? s : c.broadcastable(s));
                  Node *a = c.input(c.rng().coin() ? s : c.broadcastable(s));
                  Node *b = c.input(c.rng().coin() ? s : c.broadcastable(s));
                  return c.op(OpKind::Where, {m, a, b});
                }});
  // A chain: gradients flow through several rules and a value used twice.
  cs.push_back({"chain_reuse", {OpKind::Mul, OpKind::Tanh, OpKind::Add}, [](CaseGraph &c) {
                  Node *x = c.input(c.shape(1, 2));
                  Node *t = c.op(OpKind::Tanh, {x});
                  return c.op(OpKind::Add, {c.op(OpKind::Mul, {t, x}), c.op(OpKind::Mul, {x, x})});
                }});
  return cs;
}

} // namespace duet::test
