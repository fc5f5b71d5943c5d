//===- tests/frontend/materialize_test.cpp - computing lazy values --------===//
#include "frontend/frontend.h"

#include "backends/runtime/plan_cache.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

using namespace duet;

namespace {

/// Deterministic test data: small, varied, exactly representable values.
std::vector<float> pattern(size_t n, int salt) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = static_cast<float>(static_cast<int>((i * 7 + salt * 13) % 17) - 8) / 8.0f;
  return v;
}

/// relu(x @ w1 + b1) @ w2 + b2 with naive loops, in double.
std::vector<double> naiveMlp(const std::vector<float> &x, const std::vector<float> &w1,
                             const std::vector<float> &b1, const std::vector<float> &w2,
                             const std::vector<float> &b2, int n, int k, int h, int o) {
  std::vector<double> hidden(n * h), out(n * o);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < h; ++j) {
      double acc = b1[j];
      for (int p = 0; p < k; ++p)
        acc += double(x[i * k + p]) * w1[p * h + j];
      hidden[i * h + j] = acc > 0 ? acc : 0;
    }
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < o; ++j) {
      double acc = b2[j];
      for (int p = 0; p < h; ++p)
        acc += hidden[i * h + p] * w2[p * o + j];
      out[i * o + j] = acc;
    }
  return out;
}

TEST(Materialize, MlpMatchesNaiveLoops) {
  TraceScope scope;
  const int n = 4, k = 5, h = 6, o = 3;
  auto xv = pattern(n * k, 1), w1v = pattern(k * h, 2), b1v = pattern(h, 3);
  auto w2v = pattern(h * o, 4), b2v = pattern(o, 5);
  Tensor x = fromVector<float>({n, k}, xv), w1 = fromVector<float>({k, h}, w1v);
  Tensor b1 = fromVector<float>({h}, b1v), w2 = fromVector<float>({h, o}, w2v);
  Tensor b2 = fromVector<float>({o}, b2v);
  Tensor y = matmul(relu(matmul(x, w1) + b1), w2) + b2;

  std::vector<float> got = y.toVector<float>();
  std::vector<double> want = naiveMlp(xv, w1v, b1v, w2v, b2v, n, k, h, o);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_NEAR(got[i], want[i], 1e-5) << "element " << i;
  EXPECT_TRUE(y.hasValue());
  EXPECT_EQ(y.data().shape(), (Shape{n, o}));
}

TEST(Materialize, ElementwiseAndReductionsByHand) {
  TraceScope scope;
  Tensor a = fromVector<double>({2, 2}, {1, -2, 3, -4});
  EXPECT_DOUBLE_EQ(sum(a).item(), -2.0);
  EXPECT_DOUBLE_EQ(mean(abs(a)).item(), 2.5);
  EXPECT_EQ(max(a, {1}).toVector<double>(), (std::vector<double>{1, 3}));
  EXPECT_EQ((1.0 - a * 2.0).toVector<double>(), (std::vector<double>{-1, 5, -5, 9}));
  EXPECT_EQ(where(a > 0.0, a, zeros({2, 2}, DType::F64)).toVector<double>(),
            (std::vector<double>{1, 0, 3, 0}));
  EXPECT_EQ(argmax(a, 0).toVector<int64_t>(), (std::vector<int64_t>{1, 0}));
  std::vector<double> sm =
      softmax(fromVector<double>({2}, {0.0, std::log(3.0)})).toVector<double>();
  EXPECT_NEAR(sm[0], 0.25, 1e-12);
  EXPECT_NEAR(sm[1], 0.75, 1e-12);
  EXPECT_THROW(a.item(), Error);
}

TEST(Materialize, SecondMaterializationOfSameStructureHitsPlanCache) {
  TraceScope scope;
  auto f = [](const Tensor &x, const Tensor &y) { return sum(relu(x * y + 1.0)); };
  // Constants are part of the structure, the leaf values are not.
  Tensor first = f(fromVector<float>({3}, {1, 2, 3}), fromVector<float>({3}, {1, 1, 1}));
  EXPECT_DOUBLE_EQ(first.item(), 9.0);
  int64_t hits = globalPlanCache().hits(), misses = globalPlanCache().misses();
  Tensor second = f(fromVector<float>({3}, {-4, 2, 0}), fromVector<float>({3}, {1, 2, 3}));
  EXPECT_DOUBLE_EQ(second.item(), 6.0); // relu(-3, 5, 1)
  EXPECT_EQ(globalPlanCache().hits(), hits + 1);
  EXPECT_EQ(globalPlanCache().misses(), misses);
  // A new shape is a new plan.
  Tensor third = f(fromVector<float>({2}, {1, 1}), fromVector<float>({2}, {1, 1}));
  EXPECT_DOUBLE_EQ(third.item(), 4.0);
  EXPECT_EQ(globalPlanCache().misses(), misses + 1);
}

TEST(Materialize, ValuesAreComputedOnceAndReused) {
  TraceScope scope;
  Tensor a = fromVector<float>({2}, {1, 2});
  Tensor b = exp(a);
  Buffer first = b.data();
  Buffer again = b.data();
  EXPECT_EQ(first.raw(), again.raw()); // cached, not recomputed
  // A later op uses the known value as an input instead of recomputing exp.
  Tensor c = b + 1.0;
  EXPECT_NEAR(c.toVector<float>()[1], std::exp(2.0f) + 1.0f, 1e-5);
}

TEST(Materialize, LeafFactories) {
  TraceScope scope;
  EXPECT_EQ(full({2, 2}, 3.5).toVector<float>(), (std::vector<float>(4, 3.5f)));
  EXPECT_EQ(zeros({3}, DType::I64).toVector<int64_t>(), (std::vector<int64_t>(3, 0)));
  EXPECT_EQ(ones({2}, DType::Bool).toVector<bool>(), (std::vector<bool>{true, true}));
  EXPECT_DOUBLE_EQ(scalar(2.5, DType::F64).item(), 2.5);
  // randn: deterministic per seed, roughly standard normal.
  std::vector<float> r1 = randn({4000}, DType::F32, 7).toVector<float>();
  EXPECT_EQ(r1, randn({4000}, DType::F32, 7).toVector<float>());
  EXPECT_NE(r1, randn({4000}, DType::F32, 8).toVector<float>());
  double m = 0, s = 0;
  for (float v : r1)
    m += v / 4000.0;
  for (float v : r1)
    s += (v - m) * (v - m) / 4000.0;
  EXPECT_NEAR(m, 0.0, 0.08);
  EXPECT_NEAR(s, 1.0, 0.1);
  EXPECT_THROW(fromVector<float>({2, 2}, {1, 2, 3}), Error);
  EXPECT_THROW(randn({2}, DType::I64), Error);
}

TEST(Materialize, PrintsSummaryAndTruncatedValues) {
  TraceScope scope;
  std::ostringstream small;
  small << fromVector<int64_t>({2, 2}, {1, 2, 3, 4}) + 1.0;
  EXPECT_EQ(small.str(), "Tensor i64[2,2] [[2, 3], [4, 5]]");
  std::vector<float> v(100);
  for (int i = 0; i < 100; ++i)
    v[i] = static_cast<float>(i);
  std::ostringstream big;
  big << fromVector<float>({100}, v);
  EXPECT_EQ(big.str(), "Tensor f32[100] [0, 1, 2, ..., 97, 98, 99]");
  GraphBuilder b("sym");
  std::ostringstream sym;
  sym << b.input("x", DType::F32, {2});
  EXPECT_NE(sym.str().find("symbolic"), std::string::npos) << sym.str();
}

TEST(Materialize, TensorsFromAnotherScopeAreImportedByValue) {
  Tensor outer = fromVector<float>({2}, {1, 2});
  Tensor inner;
  {
    TraceScope scope;
    inner = outer * fromVector<float>({2}, {3, 4});
    EXPECT_NE(inner.context(), outer.context());
  }
  // `inner` keeps its scope's context alive after the scope ends.
  EXPECT_EQ(inner.toVector<float>(), (std::vector<float>{3, 8}));
}

} // namespace
