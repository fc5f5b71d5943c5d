//===- tests/passes/random_dag.h - seeded random graphs ---------*- C++ -*-===//
//
// Random DAGs of cheap elementwise ops with a random pure/torch assignment,
// for property tests and benchmarks of region merging. Most operands come
// from the last `window` values (like real networks), some from anywhere.
//
#pragma once

#include "ir/graph.h"

#include <memory>
#include <random>

namespace duet::test {

struct RandomDagSpec {
  int nodes = 20; // computing nodes (besides the inputs)
  int inputs = 3;
  double torchFraction = 0.5;
  int window = 8;          // operands mostly among the last `window` values
  double farOperand = 0.1; // probability of an operand from anywhere
};

inline std::unique_ptr<Graph> randomDag(uint32_t seed, const RandomDagSpec &spec) {
  std::mt19937 rng(seed);
  auto uniform = [&](int n) { return static_cast<int>(rng() % static_cast<uint32_t>(n)); };
  auto chance = [&](double p) { return (rng() % 1000000) < p * 1000000; };
  auto g = std::make_unique<Graph>("random");
  std::vector<Node *> values;
  for (int i = 0; i < spec.inputs; ++i) {
    std::string name = "x"; // (not "x" + ...: a GCC 12 -Wrestrict false positive)
    name += std::to_string(i);
    values.push_back(g->addInput(std::move(name), {DType::F32, {8}}));
  }
  const OpKind unary[] = {OpKind::Relu, OpKind::Neg, OpKind::Exp, OpKind::Tanh};
  const OpKind binary[] = {OpKind::Add, OpKind::Mul, OpKind::Sub};
  auto pick = [&] {
    int n = static_cast<int>(values.size());
    if (chance(spec.farOperand))
      return values[uniform(n)];
    int w = std::min(n, spec.window);
    return values[n - 1 - uniform(w)];
  };
  for (int i = 0; i < spec.nodes; ++i) {
    Node *n = chance(0.5) ? g->addChecked(unary[uniform(4)], {pick()})
                          : g->addChecked(binary[uniform(3)], {pick(), pick()});
    n->setBackend(chance(spec.torchFraction) ? Backend::Torch : Backend::Pure);
    values.push_back(n);
  }
  for (Node *n : g->nodes())
    if (n->users().empty() && !n->isSource())
      g->addOutput(n);
  for (Node *n : g->inputs())
    n->setBackend(Backend::Pure);
  return g;
}

} // namespace duet::test
