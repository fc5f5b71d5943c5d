//===- ir/shape_rules.cpp - type rules: elementwise, linear algebra, movement ===//
#include "ir/shape_rules.h"

#include "ir/error.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace duet::rules {

//===- shared checks ------------------------------------------------------===//

void fail(OpKind k, const std::string &msg) { throw Error(fmt::format("{}: {}", opName(k), msg)); }

static std::string dtypeList(std::initializer_list<DType> ts) {
  std::string out;
  size_t i = 0;
  for (DType t : ts) {
    if (i)
      out += i + 1 == ts.size() ? " or " : ", ";
    out += dtypeName(t);
    ++i;
  }
  return out;
}

void requireDType(OpKind k, Types in, size_t i, std::initializer_list<DType> allowed) {
  if (std::find(allowed.begin(), allowed.end(), in[i].dtype) == allowed.end())
    fail(k, fmt::format("operand {} has type {}; expected {}", i, in[i].str(), dtypeList(allowed)));
}

void requireFloat(OpKind k, Types in, size_t i) {
  requireDType(k, in, i, {DType::F32, DType::F64});
}

void requireSameDType(OpKind k, const TensorType &a, const TensorType &b) {
  if (a.dtype != b.dtype)
    fail(k, fmt::format("dtype mismatch {} vs {}", dtypeName(a.dtype), dtypeName(b.dtype)));
}

void requireRank(OpKind k, Types in, size_t i, int64_t rank) {
  if (in[i].rank() != rank)
    fail(k, fmt::format("operand {} must have rank {}, got {}", i, rank, in[i].str()));
}

int64_t axis(OpKind k, int64_t ax, const TensorType &t, std::string_view attr) {
  int64_t rank = std::max<int64_t>(t.rank(), 1);
  if (ax < -rank || ax >= rank)
    fail(k, fmt::format("{} {} is out of range for {}", attr, ax, t.str()));
  return ax < 0 ? ax + rank : ax;
}

// Broadcasts two dim lists; nullopt when incompatible.
static std::optional<Shape> broadcastDims(const Shape &a, const Shape &b) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return std::nullopt;
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Shape broadcast(OpKind k, const TensorType &a, const TensorType &b) {
  auto s = broadcastDims(a.shape, b.shape);
  if (!s)
    fail(k, fmt::format("shapes {} and {} are not broadcastable", a.str(), b.str()));
  return *s;
}

int64_t checkedNumel(OpKind k, const Shape &s) {
  try {
    return numel(s);
  } catch (const Error &e) {
    fail(k, e.what());
  }
}

std::array<int64_t, 2> pairAttr(OpKind k, const Attributes &a, std::string_view name,
                                std::array<int64_t, 2> def, int64_t lo) {
  if (!a.has(name))
    return def;
  std::vector<int64_t> v = a.getInts(name);
  if (v.size() != 2)
    fail(k, fmt::format("attribute '{}' must have 2 elements, got {}", name, attrValueToString(v)));
  for (int64_t x : v)
    if (x < lo)
      fail(k, fmt::format("attribute '{}' must be >= {}, got {}", name, lo, attrValueToString(v)));
  return {v[0], v[1]};
}

static constexpr std::initializer_list<DType> kNumeric = {DType::F32, DType::F64, DType::I64};

//===- sources and elementwise --------------------------------------------===//

TensorType source(OpKind k, Types, const Attributes &) {
  fail(k, "the type of a source value is declared (addInput/addParam/addNode), not inferred");
}

TensorType identity(OpKind, Types in, const Attributes &) { return in[0]; }

TensorType unary(OpKind k, Types in, const Attributes &) {
  switch (k) {
  case OpKind::Neg:
  case OpKind::Abs:
  case OpKind::Relu:
  case OpKind::Clamp: requireDType(k, in, 0, kNumeric); break;
  default: requireFloat(k, in, 0); break;
  }
  return in[0];
}

TensorType cast(OpKind k, Types in, const Attributes &a) {
  std::string name = a.getString("dtype");
  auto t = parseDType(name);
  if (!t)
    fail(k, fmt::format("unknown dtype '{}' (expected f32, f64, i64 or bool)", name));
  return {*t, in[0].shape};
}

TensorType binary(OpKind k, Types in, const Attributes &) {
  requireSameDType(k, in[0], in[1]);
  if (k == OpKind::Pow)
    requireFloat(k, in, 0);
  else
    requireDType(k, in, 0, kNumeric);
  return {in[0].dtype, broadcast(k, in[0], in[1])};
}

TensorType compare(OpKind k, Types in, const Attributes &) {
  requireSameDType(k, in[0], in[1]);
  return {DType::Bool, broadcast(k, in[0], in[1])};
}

TensorType where(OpKind k, Types in, const Attributes &) {
  if (in[0].dtype != DType::Bool)
    fail(k, fmt::format("condition must be bool, got {}", in[0].str()));
  requireSameDType(k, in[1], in[2]);
  TensorType ab{in[1].dtype, broadcast(k, in[1], in[2])};
  return {in[1].dtype, broadcast(k, in[0], ab)};
}

//===- contractions and reductions ----------------------------------------===//

TensorType matmul(OpKind k, Types in, const Attributes &) {
  const TensorType &a = in[0], &b = in[1];
  requireSameDType(k, a, b);
  requireDType(k, in, 0, kNumeric);
  if (a.rank() < 2 || b.rank() < 2)
    fail(k, fmt::format("operands must have rank >= 2, got {} and {}", a.str(), b.str()));
  int64_t m = a.shape[a.rank() - 2], ka = a.shape.back();
  int64_t kb = b.shape[b.rank() - 2], n = b.shape.back();
  if (ka != kb)
    fail(k, fmt::format("contraction dimensions differ: {} and {} ({} vs {})", a.str(), b.str(), ka,
                        kb));
  auto batch = broadcastDims(Shape(a.shape.begin(), a.shape.end() - 2),
                             Shape(b.shape.begin(), b.shape.end() - 2));
  if (!batch)
    fail(k, fmt::format("batch dimensions of {} and {} are not broadcastable", a.str(), b.str()));
  batch->push_back(m);
  batch->push_back(n);
  return {a.dtype, *batch};
}

TensorType linear(OpKind k, Types in, const Attributes &) {
  const TensorType &x = in[0], &w = in[1];
  requireSameDType(k, x, w);
  requireDType(k, in, 0, kNumeric);
  if (x.rank() < 1)
    fail(k, fmt::format("input must have rank >= 1, got {}", x.str()));
  requireRank(k, in, 1, 2);
  if (x.shape.back() != w.shape[1])
    fail(k, fmt::format("input {} and weight {} disagree on in_features ({} vs {})", x.str(),
                        w.str(), x.shape.back(), w.shape[1]));
  if (in.size() == 3) {
    requireSameDType(k, x, in[2]);
    if (in[2].shape != Shape{w.shape[0]})
      fail(k, fmt::format("bias must have shape [{}], got {}", w.shape[0], in[2].str()));
  }
  Shape out(x.shape.begin(), x.shape.end() - 1);
  out.push_back(w.shape[0]);
  return {x.dtype, out};
}

// Marks the reduced axes of `t`; throws on duplicates or out of range.
static std::vector<bool> reducedAxes(OpKind k, const TensorType &t,
                                     const std::vector<int64_t> &axes, std::string_view attr) {
  std::vector<bool> reduced(t.shape.size(), axes.empty());
  for (int64_t ax : axes) {
    int64_t a = axis(k, ax, t, attr);
    if (t.rank() == 0)
      continue;
    if (reduced[a])
      fail(k, fmt::format("{} {} lists axis {} twice", attr, attrValueToString(axes), a));
    reduced[a] = true;
  }
  if (k == OpKind::Max || k == OpKind::Min || k == OpKind::Argmax)
    for (size_t i = 0; i < reduced.size(); ++i)
      if (reduced[i] && t.shape[i] == 0)
        fail(k, fmt::format("cannot reduce over zero-size dimension {} of {}", i, t.str()));
  return reduced;
}

static Shape reducedShape(const Shape &s, const std::vector<bool> &reduced, bool keepdim) {
  Shape out;
  for (size_t i = 0; i < s.size(); ++i)
    if (!reduced[i])
      out.push_back(s[i]);
    else if (keepdim)
      out.push_back(1);
  return out;
}

TensorType reduce(OpKind k, Types in, const Attributes &a) {
  if (k == OpKind::Mean)
    requireFloat(k, in, 0);
  else
    requireDType(k, in, 0, kNumeric);
  auto reduced = reducedAxes(k, in[0], a.getInts("axes", {}), "axes");
  return {in[0].dtype, reducedShape(in[0].shape, reduced, a.getBool("keepdim", false))};
}

TensorType argmax(OpKind k, Types in, const Attributes &a) {
  requireDType(k, in, 0, kNumeric);
  auto reduced = reducedAxes(k, in[0], {a.getInt("axis")}, "axis");
  return {DType::I64, reducedShape(in[0].shape, reduced, a.getBool("keepdim", false))};
}

TensorType softmax(OpKind k, Types in, const Attributes &a) {
  requireFloat(k, in, 0);
  axis(k, a.getInt("axis", -1), in[0]);
  return in[0];
}

//===- data movement -------------------------------------------------------===//

TensorType reshape(OpKind k, Types in, const Attributes &a) {
  Shape shape = a.getInts("shape");
  int64_t total = checkedNumel(k, in[0].shape);
  int64_t known = 1;
  std::optional<size_t> infer;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1 && !infer) {
      infer = i;
    } else if (shape[i] < 0) {
      fail(k, fmt::format("invalid target shape {} (only one -1 is allowed, no other negative "
                          "dims)",
                          attrValueToString(shape)));
    } else if (__builtin_mul_overflow(known, shape[i], &known)) {
      fail(k, fmt::format("target shape {} is too large", attrValueToString(shape)));
    }
  }
  if (infer) {
    if (known == 0 || total % known != 0)
      fail(k, fmt::format("cannot reshape {} to {}", in[0].str(), attrValueToString(shape)));
    shape[*infer] = total / known;
  } else if (known != total) {
    fail(k, fmt::format("cannot reshape {} ({} elements) to {}", in[0].str(), total,
                        attrValueToString(shape)));
  }
  return {in[0].dtype, shape};
}

TensorType transpose(OpKind k, Types in, const Attributes &a) {
  int64_t d0 = axis(k, a.getInt("dim0"), in[0], "dim0");
  int64_t d1 = axis(k, a.getInt("dim1"), in[0], "dim1");
  TensorType out = in[0];
  if (out.rank() > 0)
    std::swap(out.shape[d0], out.shape[d1]);
  return out;
}

TensorType permute(OpKind k, Types in, const Attributes &a) {
  std::vector<int64_t> dims = a.getInts("dims");
  if (static_cast<int64_t>(dims.size()) != in[0].rank())
    fail(k, fmt::format("dims {} is not a permutation of the {} axes of {}",
                        attrValueToString(dims), in[0].rank(), in[0].str()));
  std::vector<bool> seen(dims.size(), false);
  TensorType out{in[0].dtype, {}};
  for (int64_t d : dims) {
    int64_t ax = axis(k, d, in[0], "dims entry");
    if (seen[ax])
      fail(k, fmt::format("dims {} is not a permutation (axis {} repeats)", attrValueToString(dims),
                          ax));
    seen[ax] = true;
    out.shape.push_back(in[0].shape[ax]);
  }
  return out;
}

TensorType broadcastTo(OpKind k, Types in, const Attributes &a) {
  Shape target = a.getInts("shape");
  const Shape &s = in[0].shape;
  bool ok = s.size() <= target.size();
  for (size_t i = 0; ok && i < target.size(); ++i) {
    if (target[i] < 0)
      ok = false;
    size_t lead = target.size() - s.size();
    if (ok && i >= lead && s[i - lead] != target[i] && s[i - lead] != 1)
      ok = false;
  }
  if (!ok)
    fail(k, fmt::format("cannot broadcast {} to {}", in[0].str(), attrValueToString(target)));
  return {in[0].dtype, target};
}

TensorType expand(OpKind k, Types in, const Attributes &a) {
  Shape target = a.getInts("shape");
  const Shape &s = in[0].shape;
  bool ok = s.size() <= target.size();
  Shape out(target.size());
  for (size_t i = 0; ok && i < target.size(); ++i) {
    size_t lead = target.size() - s.size();
    if (i < lead) {
      ok = target[i] >= 0; // new leading dims must be given
      out[i] = target[i];
    } else if (target[i] == -1) {
      out[i] = s[i - lead];
    } else {
      ok = target[i] >= 0 && (s[i - lead] == target[i] || s[i - lead] == 1);
      out[i] = target[i];
    }
  }
  if (!ok)
    fail(k, fmt::format("cannot expand {} to {}", in[0].str(), attrValueToString(target)));
  return {in[0].dtype, out};
}

TensorType concat(OpKind k, Types in, const Attributes &a) {
  const TensorType &first = in[0];
  if (first.rank() == 0)
    fail(k, fmt::format("cannot concatenate scalars ({})", first.str()));
  int64_t ax = axis(k, a.getInt("axis", 0), first);
  TensorType out = first;
  for (size_t i = 1; i < in.size(); ++i) {
    requireSameDType(k, first, in[i]);
    bool ok = in[i].rank() == first.rank();
    for (int64_t d = 0; ok && d < first.rank(); ++d)
      ok = d == ax || in[i].shape[d] == first.shape[d];
    if (!ok)
      fail(k, fmt::format("operand {} has shape {}, incompatible with {} along axis {}", i,
                          in[i].str(), first.str(), ax));
    if (__builtin_add_overflow(out.shape[ax], in[i].shape[ax], &out.shape[ax]))
      fail(k, "result is too large");
  }
  return out;
}

TensorType slice(OpKind k, Types in, const Attributes &a) {
  if (in[0].rank() == 0)
    fail(k, fmt::format("cannot slice a scalar ({})", in[0].str()));
  int64_t ax = axis(k, a.getInt("axis", 0), in[0]);
  int64_t step = a.getInt("step", 1);
  if (step <= 0)
    fail(k, fmt::format("step must be > 0, got {}", step));
  int64_t n = in[0].shape[ax];
  auto clampIndex = [n](int64_t i) { // Python slice bounds
    if (i < 0)
      i = i < -n ? 0 : i + n;
    return std::min(i, n);
  };
  int64_t start = clampIndex(a.getInt("start", 0));
  int64_t end = clampIndex(a.getInt("end", INT64_MAX));
  TensorType out = in[0];
  out.shape[ax] = end > start ? (end - start - 1) / step + 1 : 0;
  return out;
}

} // namespace duet::rules
