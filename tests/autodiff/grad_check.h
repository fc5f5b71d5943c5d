//===- tests/autodiff/grad_check.h - finite-difference gradient checks -*- C++ -*-===//
//
// A GradCase builds a small f64 graph over random inputs. The check reduces
// its output to a scalar loss = sum(out * R) with a random R, builds the
// gradients with autodiff, runs everything with the pure interpreter and
// compares each gradient element with a central finite difference of the
// loss (the reference: nothing shares code with the gradient rules).
//
#pragma once

#include "backends/buffer.h"
#include "ir/graph.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace duet::test {

/// splitmix64: the same stream on every platform.
class Rng {
public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next();
  int64_t range(int64_t lo, int64_t hi); // uniform in [lo, hi]
  double uniform(double lo, double hi);  // uniform in [lo, hi)
  bool coin(double p = 0.5) { return uniform(0, 1) < p; }

private:
  uint64_t state_;
};

/// How float inputs are drawn.
enum class Fill {
  Normal,       // [-2, 2)
  Positive,     // [0.5, 2)
  AwayFromZero, // ±[0.2, 2): keeps finite differences off the kinks at 0
};

class CaseGraph {
public:
  explicit CaseGraph(uint64_t seed) : rng_(seed), graph_(std::make_unique<Graph>("case")) {}
  Rng &rng() { return rng_; }
  Graph &graph() { return *graph_; }

  /// A float input with random values; differentiated with respect to when
  /// `wrt`.
  Node *input(Shape s, Fill fill = Fill::Normal, bool wrt = true, DType t = DType::F64);
  /// An input with given values (f64 unless `t` says otherwise).
  Node *input(Shape s, std::vector<double> values, bool wrt, DType t = DType::F64);
  /// i64 values in [0, limit).
  Node *indices(Shape s, int64_t limit);
  Node *mask(Shape s);
  /// Graph::addChecked (throws duet::Error for a bad random configuration;
  /// the harness then draws another).
  Node *op(OpKind k, std::vector<Node *> ins, Attributes attrs = {});
  /// A random shape with rank in [minRank, maxRank] and dims in [1, maxDim].
  Shape shape(int minRank, int maxRank, int64_t maxDim = 4);
  /// A shape broadcastable to `s` (dims set to 1, leading dims dropped).
  Shape broadcastable(const Shape &s);

  const std::vector<Node *> &wrt() const { return wrt_; }
  const std::map<const Node *, Buffer> &feeds() const { return feeds_; }
  std::map<const Node *, Buffer> &feeds() { return feeds_; }

private:
  Rng rng_;
  std::unique_ptr<Graph> graph_;
  std::vector<Node *> wrt_;
  std::map<const Node *, Buffer> feeds_;
};

/// Runs `nodes` (a topologically ordered list) with the pure interpreter;
/// inputs and params come from `feeds`. Returns every computed value.
std::map<const Node *, Buffer> evaluate(const std::vector<Node *> &nodes,
                                        const std::map<const Node *, Buffer> &feeds);

struct GradCase {
  std::string name;
  std::vector<OpKind> ops;                  // the ops whose gradient rules the case exercises
  std::function<Node *(CaseGraph &)> build; // returns the output
  int trials = 10;
};

/// Checks the case on `trials` random graphs: every gradient element within
/// |ad - fd| <= rtol * |fd| + atol * max(1, |loss|).
void checkCase(const GradCase &c, double rtol = 1e-6, double atol = 1e-8);

/// The table, one function per tests/autodiff/cases_*.cpp.
std::vector<GradCase> elementwiseGradCases();
std::vector<GradCase> structuralGradCases();
std::vector<GradCase> nnGradCases();

} // namespace duet::test
