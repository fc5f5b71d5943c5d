//===- passes/crossover.cpp - where torch starts to win -------------------===//
#include "passes/crossover.h"

#include "ir/graph.h"
#include "passes/cost_profile.h"
#include "passes/op_sweep.h"

#include <fmt/format.h>

namespace duet {

namespace {

bool torchWins(const CostProfile &p, OpKind op, int64_t size, bool standalone) {
  OpCase c = buildOpCase(op, size);
  double pure = p.estimateNode(*c.node, Backend::Pure);
  double torch = p.estimateNode(*c.node, Backend::Torch);
  if (standalone) {
    torch += p.regionLaunchS + p.conversionCost(c.node->type().nbytes());
    for (const Node *in : c.node->inputs())
      torch += p.conversionCost(in->type().nbytes());
  }
  return torch < pure;
}

} // namespace

Crossover findCrossover(const CostProfile &profile, OpKind op, bool standalone) {
  const int64_t limit = maxFamilySize(op);
  auto wins = [&](int64_t s) { return torchWins(profile, op, s, standalone); };
  Crossover c;
  // Doubling scan for the first win, then bisection between the last loss and it.
  int64_t lost = 0, s = 1;
  while (s <= limit && !wins(s)) {
    lost = s;
    s *= 2;
  }
  if (s > limit)
    return c; // Never
  if (lost == 0) {
    c.kind = Crossover::Kind::Always;
    c.size = 1;
  } else {
    int64_t lo = lost, hi = s; // wins(hi), !wins(lo)
    while (hi - lo > 1) {
      int64_t mid = lo + (hi - lo) / 2;
      (wins(mid) ? hi : lo) = mid;
    }
    c.kind = Crossover::Kind::At;
    c.size = hi;
  }
  c.threshold = maxOperandNumel(*buildOpCase(op, c.size).node);
  for (int64_t t = s * 2; t <= limit; t *= 2)
    if (!wins(t)) {
      c.pureAgainSize = t;
      break;
    }
  return c;
}

std::string describeCrossover(const Crossover &c, OpKind op) {
  std::string text;
  switch (c.kind) {
  case Crossover::Kind::Never: return "never";
  case Crossover::Kind::Always: text = "always"; break;
  case Crossover::Kind::At: {
    std::string meaning = sizeMeaning(op);
    std::string var = meaning.substr(0, meaning.find(':'));
    text = var == "numel" ? fmt::format("numel >= {}", c.threshold)
                          : fmt::format("{} >= {} (numel {})", var, c.size, c.threshold);
    break;
  }
  }
  if (c.pureAgainSize > 0)
    text += fmt::format(", pure again from size {}", c.pureAgainSize);
  return text;
}

} // namespace duet
