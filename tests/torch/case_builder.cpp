//===- tests/torch/case_builder.cpp - random graphs for differential tests ===//
#include "tests/torch/case_builder.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace duet::test {

uint64_t Rng::next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

int64_t Rng::range(int64_t lo, int64_t hi) {
  auto span = static_cast<uint64_t>(hi - lo) + 1;
  return lo + static_cast<int64_t>(next() % span);
}

double Rng::uniform(double lo, double hi) {
  return lo + (hi - lo) * (static_cast<double>(next() >> 11) * 0x1.0p-53);
}

namespace {

double drawFloat(Rng &rng, Fill fill) {
  switch (fill) {
  case Fill::Positive: return rng.uniform(0.1, 3.0);
  case Fill::Mixed: {
    int64_t k = rng.range(0, 3);
    if (k == 0)
      return 0.0;
    if (k == 1)
      return static_cast<double>(rng.range(-3, 3));
    return rng.uniform(-3.0, 3.0);
  }
  case Fill::WithNaN: {
    int64_t k = rng.range(0, 9);
    if (k == 0)
      return std::numeric_limits<double>::quiet_NaN();
    if (k == 1)
      return rng.coin() ? std::numeric_limits<double>::infinity()
                        : -std::numeric_limits<double>::infinity();
    return drawFloat(rng, Fill::Mixed);
  }
  case Fill::NonZero: {
    double v = rng.uniform(0.25, 3.0);
    return rng.coin() ? v : -v;
  }
  default: return rng.uniform(-3.0, 3.0);
  }
}

int64_t drawInt(Rng &rng, Fill fill, int64_t limit) {
  switch (fill) {
  case Fill::Index: return rng.range(0, limit - 1);
  case Fill::Positive: return rng.range(1, 5);
  case Fill::NonZero: return rng.coin() ? rng.range(1, 6) : -rng.range(1, 6);
  case Fill::Mixed: return rng.range(-2, 2);
  default: return rng.range(-5, 5);
  }
}

} // namespace

Node *CaseBuilder::input(DType t, Shape s, Fill fill, int64_t limit) {
  std::string name = fmt::format("in{}", inputs_.size());
  Node *n = graph_->addInput(name, TensorType{t, s});
  Buffer b = Buffer::allocate(t, s);
  for (int64_t i = 0; i < b.numel(); ++i) {
    switch (t) {
    case DType::F32: b.data<float>()[i] = static_cast<float>(drawFloat(rng_, fill)); break;
    case DType::F64: b.data<double>()[i] = drawFloat(rng_, fill); break;
    case DType::I64: b.data<int64_t>()[i] = drawInt(rng_, fill, limit); break;
    case DType::Bool: b.data<bool>()[i] = rng_.coin(); break;
    }
  }
  inputs_.push_back(n);
  buffers_.push_back(b);
  return n;
}

Node *CaseBuilder::op(OpKind k, std::vector<Node *> inputs, Attributes attrs) {
  return graph_->addChecked(k, std::move(inputs), std::move(attrs));
}

Shape CaseBuilder::shape(int minRank, int maxRank, int64_t maxDim, double pZero) {
  Shape s(static_cast<size_t>(rng_.range(minRank, maxRank)));
  for (int64_t &d : s)
    d = rng_.coin(pZero) ? 0 : rng_.range(1, maxDim);
  return s;
}

Shape CaseBuilder::broadcastable(const Shape &out) {
  Shape s = out;
  for (int64_t &d : s)
    if (rng_.coin(0.3))
      d = 1;
  size_t drop = static_cast<size_t>(rng_.range(0, static_cast<int64_t>(s.size())));
  if (rng_.coin(0.6))
    drop = 0;
  s.erase(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(drop));
  return s;
}

::testing::AssertionResult buffersMatch(const Buffer &ref, const Buffer &got, double tolScale) {
  if (ref.type() != got.type())
    return ::testing::AssertionFailure()
           << "type differs: pure " << ref.type().str() << ", torch " << got.type().str();
  if (ref.dtype() == DType::I64) // exact, also beyond 2^53
    for (int64_t i = 0; i < ref.numel(); ++i)
      if (ref.data<int64_t>()[i] != got.data<int64_t>()[i])
        return ::testing::AssertionFailure()
               << "i64 element " << i << " differs: pure " << ref.data<int64_t>()[i] << ", torch "
               << got.data<int64_t>()[i];
  std::vector<double> r = ref.toDoubles(), g = got.toDoubles();
  bool exact = !isFloating(ref.dtype());
  double rtol = ref.dtype() == DType::F32 ? 1e-4 : 1e-10;
  double atol = ref.dtype() == DType::F32 ? 1e-5 : 1e-10;
  double scale = 1.0;
  for (double v : r)
    if (std::isfinite(v))
      scale = std::max(scale, std::abs(v));
  int64_t bad = 0, first = -1;
  for (size_t i = 0; i < r.size(); ++i) {
    bool ok;
    if (std::isnan(r[i]) || std::isnan(g[i]))
      ok = std::isnan(r[i]) && std::isnan(g[i]);
    else if (exact || std::isinf(r[i]) || std::isinf(g[i]))
      ok = r[i] == g[i];
    else
      ok = std::abs(r[i] - g[i]) <= tolScale * (atol * scale + rtol * std::abs(r[i]));
    if (!ok && bad++ == 0)
      first = static_cast<int64_t>(i);
  }
  if (bad == 0)
    return ::testing::AssertionSuccess();
  auto f = static_cast<size_t>(first);
  return ::testing::AssertionFailure()
         << bad << " of " << r.size() << " elements of " << ref.type().str()
         << " differ; first at flat index " << first << ": pure " << fmt::format("{:.17g}", r[f])
         << ", torch " << fmt::format("{:.17g}", g[f]);
}

} // namespace duet::test
