//===- tests/pure/matmul_test.cpp - matmul and linear ---------------------===//

#include "pure_test_util.h"

namespace duet {
namespace {

using namespace duet::test;

/// Naive batched matmul with broadcast batch dims: the reference.
std::vector<double> naiveMatmul(const Buffer &a, const Buffer &b, const Shape &out) {
  const Shape &sa = a.shape(), &sb = b.shape();
  int64_t m = sa[sa.size() - 2], k = sa.back(), n = sb.back();
  Shape batch(out.begin(), out.end() - 2), ba(sa.begin(), sa.end() - 2),
      bb(sb.begin(), sb.end() - 2);
  int64_t numBatch = 1;
  for (int64_t d : batch)
    numBatch *= d;
  std::vector<double> y;
  for (int64_t p = 0; p < numBatch; ++p) {
    // Coordinates of batch entry p, mapped into each operand's batch.
    std::vector<int64_t> coord(batch.size());
    for (size_t d = batch.size(), q = size_t(p); d-- > 0;) {
      coord[d] = int64_t(q) % batch[d];
      q /= size_t(batch[d]);
    }
    auto offset = [&](const Shape &bs) {
      int64_t idx = 0;
      size_t shift = batch.size() - bs.size();
      for (size_t d = 0; d < bs.size(); ++d)
        idx = idx * bs[d] + (bs[d] == 1 ? 0 : coord[d + shift]);
      return idx;
    };
    int64_t oa = offset(ba) * m * k, ob = offset(bb) * k * n;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double s = 0;
        for (int64_t t = 0; t < k; ++t)
          s += a.at(oa + i * k + t) * b.at(ob + t * n + j);
        y.push_back(s);
      }
  }
  return y;
}

TEST(PureMatmul, HandChecked2x3x2) {
  Buffer a = f32({2, 3}, {1, 2, 3, 4, 5, 6}), b = f32({3, 2}, {7, 8, 9, 10, 11, 12});
  expectValues(runOp(OpKind::Matmul, {a, b}), DType::F32, {2, 2}, {58, 64, 139, 154}, 0);
  expectValues(runOp(OpKind::Matmul, {i64({1, 2}, {2, -3}), i64({2, 1}, {5, 7})}), DType::I64,
               {1, 1}, {-11}, 0);
}

TEST(PureMatmul, BatchedBroadcastAgainstNaive) {
  struct Case {
    Shape a, b, out;
  } cases[] = {
      {{2, 1, 3, 4}, {5, 4, 2}, {2, 5, 3, 2}}, // both broadcast
      {{3, 4, 5}, {5, 2}, {3, 4, 2}},          // shared b: one folded GEMM
      {{4, 5}, {3, 5, 2}, {3, 4, 2}},          // shared a
      {{2, 3, 7}, {2, 7, 3}, {2, 3, 3}},       // plain batch
      {{1, 3, 4}, {2, 4, 1}, {2, 3, 1}},
  };
  for (const Case &c : cases) {
    Buffer a = ramp(DType::F64, c.a, 5), b = ramp(DType::F64, c.b, 6);
    Buffer y = runOp(OpKind::Matmul, {a, b});
    expectValues(y, DType::F64, c.out, naiveMatmul(a, b, c.out), 1e-12);
  }
  Buffer a = ramp(DType::F32, {2, 33, 65}, 7), b = ramp(DType::F32, {65, 17}, 8);
  expectValues(runOp(OpKind::Matmul, {a, b}), DType::F32, {2, 33, 17},
               naiveMatmul(a, b, {2, 33, 17}), 1e-5);
}

TEST(PureMatmul, EmptyInnerDimIsZero) {
  expectValues(runOp(OpKind::Matmul, {f32({2, 0}, {}), f32({0, 3}, {})}), DType::F32, {2, 3},
               {0, 0, 0, 0, 0, 0}, 0);
  EXPECT_EQ(runOp(OpKind::Matmul, {f32({0, 2}, {}), f32({2, 3}, std::vector<float>(6, 1))}).numel(),
            0);
}

TEST(PureLinear, HandChecked) {
  Buffer x = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  Buffer w = f32({2, 3}, {1, 0, -1, 0.5, 0.5, 0.5});
  expectValues(runOp(OpKind::Linear, {x, w, f32({2}, {10, 20})}), DType::F32, {2, 2},
               {8, 23, 8, 27.5}, 0);
  expectValues(runOp(OpKind::Linear, {x, w}), DType::F32, {2, 2}, {-2, 3, -2, 7.5}, 0);
}

TEST(PureLinear, LeadingDimsAgainstNaive) {
  Buffer x = ramp(DType::F64, {2, 3, 4}, 9), w = ramp(DType::F64, {5, 4}, 10);
  Buffer b = ramp(DType::F64, {5}, 11);
  std::vector<double> want;
  for (int64_t r = 0; r < 6; ++r)
    for (int64_t n = 0; n < 5; ++n) {
      double s = b.at(n);
      for (int64_t k = 0; k < 4; ++k)
        s += x.at(r * 4 + k) * w.at(n * 4 + k);
      want.push_back(s);
    }
  expectValues(runOp(OpKind::Linear, {x, w, b}), DType::F64, {2, 3, 5}, want, 1e-12);
}

} // namespace
} // namespace duet
