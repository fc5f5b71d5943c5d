//===- passes/autodiff.h - "autodiff": reverse-mode differentiation -*- C++ -*-===//
//
// Appends the backward computation to the graph itself, so a whole training
// step (forward, loss, gradients, update) is one graph that is optimized,
// partitioned and dumped like any other. Gradient rules: one per op, in
// passes/grad_rules_*.cpp, listed in passes/grad_registry.cpp.
//
#pragma once

#include "ir/op_registry.h"
#include "passes/pass.h"

#include <string>
#include <vector>

namespace duet {

class Graph;
class Node;

/// Appends to `g` the nodes computing d(loss)/d(w) for each w in `wrt` and
/// returns them, in order, each of w's type. `loss` must be a float value
/// with one element (a scalar, or any shape of numel 1); its gradient is
/// seeded with 1. Pre: `loss` and `wrt` are nodes of `g`; every w is a float
/// value (inputs, params or intermediate values alike).
///
/// Only nodes on a path from some w to the loss get gradients; nothing flows
/// through integer or bool values (indices, targets, comparisons), and a
/// value used several times accumulates the gradients of its uses. A w the
/// loss does not depend on gets a zero constant. Throws duet::Error when a
/// path goes through an op with no gradient rule (naming the op and why).
/// Nodes are only appended, never changed or removed; run dce/cse/
/// constant-fold afterwards to clean up.
std::vector<Node *> buildGradients(Graph &g, Node *loss, const std::vector<Node *> &wrt);

/// The general form (a vector-Jacobian product): `seeds[i]` is the gradient
/// flowing into `outputs[i]` and has its type. Gradients of several outputs
/// add up.
std::vector<Node *> buildGradients(Graph &g, const std::vector<Node *> &outputs,
                                   const std::vector<Node *> &seeds,
                                   const std::vector<Node *> &wrt);

/// Whether `op` has a gradient rule; if not and `why` is given, the reason
/// ("its result is bool", ...).
bool isDifferentiable(OpKind op, std::string *why = nullptr);

struct AutodiffOptions {
  /// Which graph output is the loss.
  size_t lossOutput = 0;
  /// Names of the values to differentiate with respect to; empty means
  /// every float parameter (params()).
  std::vector<std::string> wrt;
};

/// "autodiff": treats output `lossOutput` as the loss and appends the
/// gradient with respect to each `wrt` value as a new graph output, named
/// grad_<name> (made unique if taken). Pre: a verified graph whose loss
/// output is a float value of one element. Changed iff gradients were added
/// (a graph with nothing to differentiate is left alone). Running it twice
/// appends a second set of outputs.
class AutodiffPass : public Pass {
public:
  AutodiffPass() = default;
  explicit AutodiffPass(AutodiffOptions opts) : opts_(std::move(opts)) {}
  std::string_view name() const override { return "autodiff"; }
  bool run(Graph &g) override;

private:
  AutodiffOptions opts_;
};

} // namespace duet
