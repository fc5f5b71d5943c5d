//===- tests/torch/case_builder.h - random graphs for differential tests -*- C++ -*-===//
//
// A tiny graph with random input data, built by one op case: the pure
// interpreter and the torch backend both run it and must agree.
//
#pragma once

#include "backends/buffer.h"
#include "ir/graph.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace duet::test {

/// Small deterministic generator (splitmix64): same stream on every platform.
class Rng {
public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next();
  /// Uniform integer in [lo, hi].
  int64_t range(int64_t lo, int64_t hi);
  /// Uniform double in [lo, hi).
  double uniform(double lo, double hi);
  bool coin(double p = 0.5) { return uniform(0, 1) < p; }
  template <class T> const T &pick(const std::vector<T> &v) {
    return v[static_cast<size_t>(range(0, static_cast<int64_t>(v.size()) - 1))];
  }

private:
  uint64_t state_;
};

/// How input values are drawn.
enum class Fill {
  Normal,   // floats in [-3, 3); ints in [-5, 5]; bools 50/50
  Positive, // floats in [0.1, 3)
  Mixed,    // floats: a mix of exact small integers, zeros and fractions (ties, casts)
  NonZero,  // like Normal but never 0 (divisors)
  Index,    // i64 in [0, limit)
  WithNaN,  // floats: Mixed with NaN and ±inf sprinkled in; ints and bools: Mixed
};

class CaseBuilder {
public:
  explicit CaseBuilder(uint64_t seed) : rng_(seed), graph_(std::make_unique<Graph>("case")) {}

  Rng &rng() { return rng_; }
  Graph &graph() { return *graph_; }

  /// A graph input filled with random values.
  Node *input(DType t, Shape s, Fill fill = Fill::Normal, int64_t limit = 0);
  /// An op node through Graph::addChecked (throws duet::Error when the
  /// random configuration is invalid; the harness then draws another).
  Node *op(OpKind k, std::vector<Node *> inputs, Attributes attrs = {});

  /// A random shape; dims in [1, maxDim], or 0 with probability pZero each.
  Shape shape(int minRank, int maxRank, int64_t maxDim = 5, double pZero = 0.0);
  /// A shape that broadcasts to `out` (dims set to 1, leading dims dropped).
  Shape broadcastable(const Shape &out);

  const std::vector<Node *> &inputs() const { return inputs_; }
  const std::vector<Buffer> &buffers() const { return buffers_; }

private:
  Rng rng_;
  std::unique_ptr<Graph> graph_;
  std::vector<Node *> inputs_;
  std::vector<Buffer> buffers_;
};

/// One row of the differential table: builds a graph and returns the nodes
/// whose values are compared.
struct OpCase {
  std::string name; // test name: "<op>_<dtype>[_variant]"
  std::function<std::vector<Node *>(CaseBuilder &)> build;
  /// Tolerance multiplier for float comparisons (ops with long reductions).
  double tolScale = 1.0;
};

/// The cases of the table, one function per tests/torch/op_cases_*.cpp.
std::vector<OpCase> elementwiseCases();
std::vector<OpCase> structuralCases();
std::vector<OpCase> nnCases();
std::vector<OpCase> gradCases(); // op_cases_grad.cpp: the gradient ops of autodiff

/// Compares a result with the reference: exact for i64/bool, and for floats
/// |got - ref| <= atol * scale + rtol * |ref| with scale = max(1, max |ref|)
/// (f32: rtol 1e-4, atol 1e-5; f64: 1e-10 both), NaN matching NaN.
::testing::AssertionResult buffersMatch(const Buffer &ref, const Buffer &got,
                                        double tolScale = 1.0);

} // namespace duet::test
