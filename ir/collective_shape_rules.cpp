//===- ir/collective_shape_rules.cpp - type rules of the collectives ------===//
#include "ir/shape_rules.h"

#include <fmt/format.h>

namespace duet::rules {

// all_reduce(g0, g1, ...) : dtype[numel(g0) + numel(g1) + ...]. The operands
// are packed back to back (a bucket), so they share one float dtype.
TensorType allReduce(OpKind k, Types in, const Attributes &a) {
  std::string op = a.getString("op", "mean");
  if (op != "mean" && op != "sum")
    fail(k, fmt::format("op must be \"mean\" or \"sum\", got \"{}\"", op));
  if (a.getInt("group", 0) < 0)
    fail(k, fmt::format("group must be >= 0, got {}", a.getInt("group", 0)));
  requireFloat(k, in, 0);
  int64_t total = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    requireSameDType(k, in[0], in[i]);
    if (__builtin_add_overflow(total, checkedNumel(k, in[i].shape), &total))
      fail(k, "the packed bucket is too large");
  }
  return {in[0].dtype, {total}};
}

} // namespace duet::rules
