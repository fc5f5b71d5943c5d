//===- frontend/import/converter.h - TorchScript values as duet -*- C++ -*-===//
//
// The state of one import: what each TorchScript value became. A value is
// either a duet node (a tensor computed at run time), a static IValue (an
// int, a list, a weight: known at import time because shapes are static), or
// a list of duet nodes (prim::ListConstruct of tensors, aten::chunk).
// Op mappers (aten_ops.h) read their operands through the helpers here.
// Internal to frontend/import/: includes LibTorch.
//
#pragma once

#include "backends/runtime/plan.h"
#include "ir/graph.h"

#include <torch/script.h>

#include <map>
#include <string>
#include <variant>
#include <vector>

namespace duet::import {

using TsValue = torch::jit::Value;
using TsNode = torch::jit::Node;
using NodeList = std::vector<Node *>;
using ImportValue = std::variant<Node *, c10::IValue, NodeList>;

class Converter {
public:
  Converter(Graph &g, ParamStore &params) : g_(g), params_(params) {}

  void bind(const TsValue *v, ImportValue value) { env_[v] = std::move(value); }
  bool known(const TsValue *v) const { return env_.count(v) != 0; }
  bool isStatic(const TsValue *v) const;
  const ImportValue &value(const TsValue *v) const;

  /// A run-time tensor for `v`; a static tensor becomes a param (or, if it
  /// has one element and rank 0, a constant), created once per value.
  Node *tensor(const TsValue *v);
  /// An operand of an elementwise op with `like`: a static number or 0-dim
  /// tensor becomes a rank-0 constant of like's dtype (torch's promotion of
  /// scalars), anything else as tensor().
  Node *operand(const TsValue *v, const Node *like);
  NodeList tensors(const TsValue *v);

  /// Static operands; each throws duet::Error when `v` is not static or has
  /// another kind.
  const c10::IValue &constant(const TsValue *v) const;
  bool isNone(const TsValue *v) const;
  int64_t i(const TsValue *v) const;
  double f(const TsValue *v) const;
  bool b(const TsValue *v) const;
  std::string s(const TsValue *v) const;
  std::vector<int64_t> ints(const TsValue *v) const;

  /// Appends a checked duet node.
  Node *add(OpKind op, NodeList inputs, Attributes attrs = {});
  Node *scalar(double value, DType dtype);
  Graph &graph() { return g_; }

private:
  Node *materialize(const TsValue *v, const at::Tensor &t);
  std::string paramName(const TsValue *v) const;

  Graph &g_;
  ParamStore &params_;
  std::map<const TsValue *, ImportValue> env_;
  std::map<const TsValue *, Node *> materialized_;
};

/// duet's dtype for a torch scalar type; throws for one duet lacks.
DType dtypeOf(c10::ScalarType t);

} // namespace duet::import
