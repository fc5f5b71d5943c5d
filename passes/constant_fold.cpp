//===- passes/constant_fold.cpp - "constant-fold" --------------------------===//
#include "passes/constant_fold.h"

#include "backends/pure/interpreter.h"
#include "ir/error.h"
#include "ir/graph.h"

#include <bit>
#include <cmath>
#include <numeric>
#include <optional>
#include <unordered_map>

namespace duet {

namespace {

/// The elements of a constant's `value` attribute (length 1 = splat).
std::vector<double> constantValues(const Node &c) {
  const AttrValue *v = c.attrs().find("value");
  if (!v)
    return {};
  if (const auto *f = std::get_if<std::vector<double>>(v))
    return *f;
  if (const auto *i = std::get_if<std::vector<int64_t>>(v))
    return {i->begin(), i->end()};
  return {};
}

/// The single value of a splat constant, compared by bits so -0.0 and 0.0
/// stay distinct; nullopt for non-constants and non-splats.
std::optional<double> splatValue(const Node *n) {
  if (n->op() != OpKind::Constant)
    return std::nullopt;
  std::vector<double> vals = constantValues(*n);
  if (vals.empty())
    return std::nullopt;
  for (double x : vals)
    if (std::bit_cast<uint64_t>(x) != std::bit_cast<uint64_t>(vals.front()))
      return std::nullopt;
  return vals.front();
}

bool isBits(std::optional<double> v, double want) {
  return v && std::bit_cast<uint64_t>(*v) == std::bit_cast<uint64_t>(want);
}

bool isOne(const Node *c) { return isBits(splatValue(c), 1.0); }

/// A zero whose addition leaves every x of `dtype` bit-identical.
bool isAdditiveIdentity(const Node *c, DType dtype) {
  std::optional<double> v = splatValue(c);
  return isFloating(dtype) ? isBits(v, -0.0) : (v && *v == 0.0);
}

/// A zero whose subtraction leaves every x bit-identical.
bool isSubtractiveIdentity(const Node *c, DType dtype) {
  std::optional<double> v = splatValue(c);
  return isFloating(dtype) ? isBits(v, 0.0) : (v && *v == 0.0);
}

bool isReshape(const Node *n) { return n->op() == OpKind::Reshape || n->op() == OpKind::View; }

/// Axes of a permute/transpose as a full permutation, normalized.
std::vector<int64_t> permutationOf(const Node &n) {
  int64_t rank = n.type().rank();
  std::vector<int64_t> perm(static_cast<size_t>(rank));
  std::iota(perm.begin(), perm.end(), 0);
  if (n.op() == OpKind::Transpose) {
    int64_t a = normalizeAxis(n.attrs().getInt("dim0"), rank);
    int64_t b = normalizeAxis(n.attrs().getInt("dim1"), rank);
    std::swap(perm[a], perm[b]);
  } else {
    std::vector<int64_t> dims = n.attrs().getInts("dims");
    for (size_t i = 0; i < perm.size(); ++i)
      perm[i] = normalizeAxis(dims.at(i), rank);
  }
  return perm;
}

bool isIdentityPermutation(const std::vector<int64_t> &p) {
  for (size_t i = 0; i < p.size(); ++i)
    if (p[i] != static_cast<int64_t>(i))
      return false;
  return true;
}

bool isPermutation(const Node *n) {
  return n->op() == OpKind::Transpose || n->op() == OpKind::Permute;
}

/// The existing value `n` always equals, if an identity applies; may also
/// rewire `n` in place (reshape of reshape), setting `rewired`.
Node *simplify(Graph &g, Node *n, bool &rewired) {
  auto sameType = [&](Node *x) { return x->type() == n->type() ? x : nullptr; };
  switch (n->op()) {
  case OpKind::Mul:
    if (isOne(n->input(1)))
      return sameType(n->input(0));
    if (isOne(n->input(0)))
      return sameType(n->input(1));
    return nullptr;
  case OpKind::Div: return isOne(n->input(1)) ? sameType(n->input(0)) : nullptr;
  case OpKind::Add:
    if (isAdditiveIdentity(n->input(1), n->dtype()))
      return sameType(n->input(0));
    if (isAdditiveIdentity(n->input(0), n->dtype()))
      return sameType(n->input(1));
    return nullptr;
  case OpKind::Sub:
    return isSubtractiveIdentity(n->input(1), n->dtype()) ? sameType(n->input(0)) : nullptr;
  case OpKind::Reshape:
  case OpKind::View:
    // Only the total size matters to the outer reshape (a -1 resolves alike).
    while (isReshape(n->input(0))) {
      g.setInput(n, 0, n->input(0)->input(0));
      rewired = true;
    }
    return sameType(n->input(0));
  case OpKind::BroadcastTo:
  case OpKind::Expand: return sameType(n->input(0));
  case OpKind::Transpose:
  case OpKind::Permute: {
    std::vector<int64_t> outer = permutationOf(*n);
    if (isIdentityPermutation(outer))
      return sameType(n->input(0));
    Node *inner = n->input(0);
    if (!isPermutation(inner))
      return nullptr;
    // result dim i = inner dim outer[i] = x dim innerPerm[outer[i]].
    std::vector<int64_t> innerPerm = permutationOf(*inner);
    std::vector<int64_t> composed(outer.size());
    for (size_t i = 0; i < outer.size(); ++i)
      composed[i] = innerPerm[outer[i]];
    return isIdentityPermutation(composed) ? sameType(inner->input(0)) : nullptr;
  }
  default: return nullptr;
  }
}

/// `value` for a constant holding `b`, or nullopt if a float list cannot
/// hold it exactly (NaN/inf, or an i64 beyond 2^53).
std::optional<std::vector<double>> valueList(const Buffer &b) {
  std::vector<double> vals = b.toDoubles();
  for (int64_t i = 0; i < b.numel(); ++i) {
    double x = vals[i];
    if (!std::isfinite(x))
      return std::nullopt;
    if (b.dtype() == DType::I64 &&
        (std::abs(x) > 9007199254740992.0 || static_cast<int64_t>(x) != b.data<int64_t>()[i]))
      return std::nullopt;
  }
  bool splat = !vals.empty();
  for (double x : vals)
    splat = splat && std::bit_cast<uint64_t>(x) == std::bit_cast<uint64_t>(vals.front());
  if (splat)
    vals.resize(1);
  return vals;
}

class Folder {
public:
  Folder(Graph &g, int64_t maxElements) : g_(g), maxElements_(maxElements) {}

  /// A constant node equal to `n`, or null when `n` is not foldable.
  Node *fold(Node *n) {
    if (n->info().category == OpCategory::Conversion || n->numInputs() == 0)
      return nullptr;
    if (n->info().category == OpCategory::Collective) // talks to other ranks: run time only
      return nullptr;
    for (Node *in : n->inputs())
      if (in->op() != OpKind::Constant)
        return nullptr;
    int64_t count = n->type().numel();
    if (count < 1 || count > maxElements_)
      return nullptr;
    std::optional<std::vector<double>> value;
    try {
      std::vector<Buffer> operands;
      for (Node *in : n->inputs())
        operands.push_back(valueOf(in));
      value = valueList(evalPureNode(*n, operands));
    } catch (const Error &) {
      return nullptr; // e.g. an index out of range: leave it to run time
    }
    if (!value)
      return nullptr;
    Attributes attrs;
    attrs.set("value", std::move(*value));
    return g_.addNode(OpKind::Constant, {}, std::move(attrs), n->type());
  }

private:
  /// Materializes a constant through the interpreter (cached per node).
  const Buffer &valueOf(Node *c) {
    auto it = cache_.find(c);
    if (it == cache_.end())
      it = cache_.emplace(c, evalPureNode(*c, {})).first;
    return it->second;
  }

  Graph &g_;
  int64_t maxElements_;
  std::unordered_map<const Node *, Buffer> cache_; // lookup only
};

} // namespace

bool ConstantFoldPass::run(Graph &g) {
  Folder folder(g, maxElements_);
  bool changed = false;
  std::vector<Node *> dead;
  std::vector<std::pair<Node *, std::string>> renames;
  // New constants go to the end of the order; their users, visited later in
  // this sweep, already see them through replaceAllUsesWith.
  const std::vector<Node *> order = g.nodes();
  for (Node *n : order) {
    if (n->isSource())
      continue;
    bool rewired = false;
    Node *replacement = simplify(g, n, rewired);
    changed |= rewired;
    bool folded = false;
    if (!replacement && (replacement = folder.fold(n)))
      folded = true;
    if (!replacement)
      continue;
    g.replaceAllUsesWith(n, replacement);
    dead.push_back(n);
    if (folded && !n->name().empty())
      renames.emplace_back(replacement, n->name());
    changed = true;
  }
  if (!changed)
    return false;
  g.eraseNodes(dead);
  for (auto &[c, name] : renames)
    c->setName(std::move(name)); // after erasing: names stay unique
  g.sortTopologically();
  return true;
}

} // namespace duet
