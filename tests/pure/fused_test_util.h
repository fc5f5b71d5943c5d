//===- tests/pure/fused_test_util.h - run graphs node by node, compare -*- C++ -*-===//
//
// Shared by the fused kernel tests: the node-by-node reference and the
// comparison the fused results must pass.
//
#pragma once

#include "pure_test_util.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

namespace duet::test {

/// Runs every node of g on the interpreter; returns the outputs.
inline std::vector<Buffer> evalGraph(const Graph &g, const std::map<const Node *, Buffer> &feeds) {
  std::vector<Buffer> value(g.idBound());
  for (const Node *n : g.nodes()) {
    if (n->op() == OpKind::Input) {
      value[n->id()] = feeds.at(g.findNamed(n->name()));
      continue;
    }
    std::vector<Buffer> in;
    for (const Node *i : n->inputs())
      in.push_back(value[i->id()]);
    value[n->id()] = evalPureNode(*n, in);
  }
  std::vector<Buffer> out;
  for (const Node *n : g.outputs())
    out.push_back(value[n->id()]);
  return out;
}

inline double elem(const Buffer &b, int64_t i) {
  switch (b.dtype()) {
  case DType::F32: return b.data<float>()[i];
  case DType::F64: return b.data<double>()[i];
  case DType::Bool: return b.data<bool>()[i] ? 1.0 : 0.0;
  case DType::I64: return static_cast<double>(b.data<int64_t>()[i]);
  }
  return 0;
}

/// Equal up to a few ulps (NaN equals NaN; infinities must match).
inline ::testing::AssertionResult close(const Buffer &got, const Buffer &want) {
  if (got.type() != want.type())
    return ::testing::AssertionFailure() << got.type().str() << " vs " << want.type().str();
  const double rel = got.dtype() == DType::F32 ? 2e-5 : 1e-12;
  for (int64_t i = 0; i < got.numel(); ++i) {
    double a = elem(got, i), b = elem(want, i);
    if (std::isnan(a) && std::isnan(b))
      continue;
    if (a == b)
      continue;
    if (std::isfinite(a) && std::isfinite(b) &&
        std::fabs(a - b) <= rel * std::max(1.0, std::max(std::fabs(a), std::fabs(b))))
      continue;
    return ::testing::AssertionFailure() << "element " << i << ": fused " << a << ", unfused " << b;
  }
  return ::testing::AssertionSuccess();
}

} // namespace duet::test
