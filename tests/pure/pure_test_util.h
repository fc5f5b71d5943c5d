//===- tests/pure/pure_test_util.h - building and running one op -*- C++ -*-===//
#pragma once

#include "backends/buffer.h"
#include "backends/pure/interpreter.h"
#include "ir/error.h"
#include "ir/graph.h"

#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace duet::test {

/// Attributes from a brace list: attrs({{"axes", Ints{1}}, {"keepdim", true}}).
using Ints = std::vector<int64_t>;
using Floats = std::vector<double>;
inline Attributes attrs(std::initializer_list<std::pair<std::string, AttrValue>> items) {
  Attributes a;
  for (const auto &[k, v] : items)
    a.set(k, v);
  return a;
}

inline Buffer f32(Shape s, std::vector<float> v) { return Buffer::fromVector(std::move(s), v); }
inline Buffer f64(Shape s, std::vector<double> v) { return Buffer::fromVector(std::move(s), v); }
inline Buffer i64(Shape s, std::vector<int64_t> v) { return Buffer::fromVector(std::move(s), v); }
inline Buffer boolean(Shape s, std::vector<bool> v) {
  Buffer b = Buffer::allocate(DType::Bool, std::move(s));
  for (size_t i = 0; i < v.size(); ++i)
    b.data<bool>()[i] = v[i];
  return b;
}

/// A deterministic pseudo-random buffer (values in [-1, 1)), no <random>
/// needed so results do not depend on the standard library.
inline Buffer ramp(DType dt, Shape s, uint64_t seed = 1) {
  Buffer b = Buffer::allocate(dt, std::move(s));
  uint64_t x = seed * 0x9E3779B97F4A7C15ULL + 12345;
  for (int64_t i = 0; i < b.numel(); ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    double v = double(x % 20000) / 10000.0 - 1.0;
    if (dt == DType::F32)
      b.data<float>()[i] = float(v);
    else
      b.data<double>()[i] = v;
  }
  return b;
}

/// Builds a one-op graph over fresh inputs of the buffers' types (type via
/// the registry) and runs it with the pure interpreter.
struct OneOp {
  Graph graph;
  Node *node = nullptr;
  Buffer run(OpKind op, const std::vector<Buffer> &inputs, Attributes a = {}) {
    std::vector<Node *> ins;
    for (size_t i = 0; i < inputs.size(); ++i)
      ins.push_back(graph.addInput("in" + std::to_string(i), inputs[i].type()));
    node = graph.addChecked(op, ins, std::move(a));
    return evalPureNode(*node, inputs);
  }
};

inline Buffer runOp(OpKind op, const std::vector<Buffer> &inputs, Attributes a = {}) {
  OneOp o;
  return o.run(op, inputs, std::move(a));
}

/// Checks shape, dtype and values (NaN matches NaN).
inline void expectValues(const Buffer &b, DType dt, const Shape &shape,
                         const std::vector<double> &expected, double tol = 1e-6) {
  ASSERT_EQ(dtypeName(b.dtype()), dtypeName(dt));
  ASSERT_EQ(shapeToString(b.shape()), shapeToString(shape));
  std::vector<double> got = b.toDoubles();
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(expected[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << "element " << i << " is " << got[i];
    } else if (std::isinf(expected[i])) {
      EXPECT_EQ(got[i], expected[i]) << "element " << i;
    } else {
      EXPECT_NEAR(got[i], expected[i], tol * std::max(1.0, std::abs(expected[i])))
          << "element " << i;
    }
  }
}

/// Element-by-element comparison of two buffers of the same type.
inline void expectClose(const Buffer &got, const Buffer &want, double tol) {
  ASSERT_EQ(got.type(), want.type()) << got.type().str() << " vs " << want.type().str();
  std::vector<double> g = got.toDoubles(), w = want.toDoubles();
  for (size_t i = 0; i < g.size(); ++i)
    ASSERT_NEAR(g[i], w[i], tol * std::max(1.0, std::abs(w[i]))) << "element " << i;
}

} // namespace duet::test
