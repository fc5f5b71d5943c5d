//===- tests/pure/reduce_test.cpp - reductions, argmax, softmax -----------===//

#include "pure_test_util.h"

#include <limits>

namespace duet {
namespace {

using namespace duet::test;
const double kNaN = std::numeric_limits<double>::quiet_NaN();

Buffer x23() { return f32({2, 3}, {1, 2, 3, 4, 5, 6}); }

TEST(PureReduce, SumAxesKeepdim) {
  expectValues(runOp(OpKind::Sum, {x23()}), DType::F32, {}, {21}, 0);
  expectValues(runOp(OpKind::Sum, {x23()}, attrs({{"axes", Ints{0}}})), DType::F32, {3}, {5, 7, 9},
               0);
  expectValues(runOp(OpKind::Sum, {x23()}, attrs({{"axes", Ints{1}}, {"keepdim", true}})),
               DType::F32, {2, 1}, {6, 15}, 0);
  expectValues(runOp(OpKind::Sum, {x23()}, attrs({{"axes", Ints{-1}}})), DType::F32, {2}, {6, 15},
               0);
  expectValues(runOp(OpKind::Sum, {i64({2, 2}, {1, 2, 3, 4})}, attrs({{"axes", Ints{0}}})),
               DType::I64, {2}, {4, 6}, 0);
}

TEST(PureReduce, MeanMaxMin) {
  expectValues(runOp(OpKind::Mean, {x23()}, attrs({{"axes", Ints{0}}})), DType::F32, {3},
               {2.5, 3.5, 4.5}, 0);
  expectValues(runOp(OpKind::Mean, {x23()}, attrs({{"keepdim", true}})), DType::F32, {1, 1}, {3.5},
               0);
  expectValues(runOp(OpKind::Max, {x23()}, attrs({{"axes", Ints{1}}})), DType::F32, {2}, {3, 6}, 0);
  expectValues(runOp(OpKind::Min, {x23()}, attrs({{"axes", Ints{0}}})), DType::F32, {3}, {1, 2, 3},
               0);
  expectValues(runOp(OpKind::Max, {i64({3}, {-4, 9, 2})}), DType::I64, {}, {9}, 0);
  // NaN propagates through max/min like torch, both along rows and columns.
  Buffer n = f64({2, 2}, {1, kNaN, 3, 4});
  expectValues(runOp(OpKind::Max, {n}, attrs({{"axes", Ints{1}}})), DType::F64, {2}, {kNaN, 4});
  expectValues(runOp(OpKind::Min, {n}, attrs({{"axes", Ints{0}}})), DType::F64, {2}, {1, kNaN});
}

TEST(PureReduce, NonAdjacentAxesAgainstNaive) {
  Buffer x = ramp(DType::F64, {2, 3, 4}, 21);
  std::vector<double> sum(3, 0), mx(3, -1e9);
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j)
      for (int64_t k = 0; k < 4; ++k) {
        double v = x.at((i * 3 + j) * 4 + k);
        sum[size_t(j)] += v;
        mx[size_t(j)] = std::max(mx[size_t(j)], v);
      }
  expectValues(runOp(OpKind::Sum, {x}, attrs({{"axes", Ints{0, 2}}})), DType::F64, {3}, sum, 1e-12);
  expectValues(runOp(OpKind::Max, {x}, attrs({{"axes", Ints{2, 0}}, {"keepdim", true}})),
               DType::F64, {1, 3, 1}, mx, 0);
  std::vector<double> mean = sum;
  for (double &v : mean)
    v /= 8;
  expectValues(runOp(OpKind::Mean, {x}, attrs({{"axes", Ints{-3, -1}}})), DType::F64, {3}, mean,
               1e-12);
}

TEST(PureReduce, MiddleAxisInnerRows) {
  Buffer x = ramp(DType::F32, {3, 5, 7}, 22);
  std::vector<double> want;
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t k = 0; k < 7; ++k) {
      double lo = 1e9;
      for (int64_t j = 0; j < 5; ++j)
        lo = std::min(lo, x.at((i * 5 + j) * 7 + k));
      want.push_back(lo);
    }
  expectValues(runOp(OpKind::Min, {x}, attrs({{"axes", Ints{1}}})), DType::F32, {3, 7}, want, 0);
}

TEST(PureReduce, EmptyDims) {
  Buffer e = f32({0, 3}, {});
  expectValues(runOp(OpKind::Sum, {e}, attrs({{"axes", Ints{0}}})), DType::F32, {3}, {0, 0, 0}, 0);
  expectValues(runOp(OpKind::Mean, {e}, attrs({{"axes", Ints{0}}})), DType::F32, {3},
               {kNaN, kNaN, kNaN});
  EXPECT_EQ(runOp(OpKind::Sum, {e}, attrs({{"axes", Ints{1}}})).shape(), (Shape{0}));
  EXPECT_THROW(runOp(OpKind::Max, {e}, attrs({{"axes", Ints{0}}})), Error);
}

TEST(PureArgmax, FirstMaximumAndNaN) {
  Buffer x = f32({2, 3}, {1, 3, 3, 7, 2, 7});
  expectValues(runOp(OpKind::Argmax, {x}, attrs({{"axis", int64_t(1)}})), DType::I64, {2}, {1, 0},
               0);
  expectValues(runOp(OpKind::Argmax, {x}, attrs({{"axis", int64_t(0)}})), DType::I64, {3},
               {1, 0, 1}, 0);
  expectValues(runOp(OpKind::Argmax, {x}, attrs({{"axis", int64_t(-1)}, {"keepdim", true}})),
               DType::I64, {2, 1}, {1, 0}, 0);
  expectValues(runOp(OpKind::Argmax, {f64({4}, {1, kNaN, 5, kNaN})}, attrs({{"axis", int64_t(0)}})),
               DType::I64, {}, {1}, 0);
  expectValues(runOp(OpKind::Argmax, {i64({3}, {-5, -1, -3})}, attrs({{"axis", int64_t(0)}})),
               DType::I64, {}, {1}, 0);
}

std::vector<double> naiveSoftmax(std::vector<double> v, bool logForm) {
  double m = -1e300, s = 0;
  for (double x : v)
    m = std::max(m, x);
  for (double x : v)
    s += std::exp(x - m);
  for (double &x : v)
    x = logForm ? x - m - std::log(s) : std::exp(x - m) / s;
  return v;
}

TEST(PureSoftmax, LastAxisHandChecked) {
  double e1 = std::exp(1.0), e2 = std::exp(2.0), e3 = std::exp(3.0), s = e1 + e2 + e3;
  expectValues(runOp(OpKind::Softmax, {f64({3}, {1, 2, 3})}), DType::F64, {3},
               {e1 / s, e2 / s, e3 / s}, 1e-12);
  expectValues(runOp(OpKind::LogSoftmax, {f64({3}, {1, 2, 3})}), DType::F64, {3},
               {1 - std::log(s), 2 - std::log(s), 3 - std::log(s)}, 1e-12);
  // Stable for huge logits; -inf gets probability 0.
  expectValues(runOp(OpKind::Softmax, {f32({2}, {1000, 1000})}), DType::F32, {2}, {0.5, 0.5});
  expectValues(runOp(OpKind::Softmax, {f32({2}, {-std::numeric_limits<float>::infinity(), 0})}),
               DType::F32, {2}, {0, 1});
  expectValues(runOp(OpKind::LogSoftmax, {f32({2}, {1000, 0})}), DType::F32, {2}, {0, -1000});
}

TEST(PureSoftmax, InnerAxisAgainstNaive) {
  Buffer x = ramp(DType::F64, {2, 4, 3}, 31);
  for (bool logForm : {false, true}) {
    std::vector<double> want(24);
    for (int64_t i = 0; i < 2; ++i)
      for (int64_t k = 0; k < 3; ++k) {
        std::vector<double> col;
        for (int64_t j = 0; j < 4; ++j)
          col.push_back(x.at((i * 4 + j) * 3 + k));
        col = naiveSoftmax(col, logForm);
        for (int64_t j = 0; j < 4; ++j)
          want[size_t((i * 4 + j) * 3 + k)] = col[size_t(j)];
      }
    expectValues(
        runOp(logForm ? OpKind::LogSoftmax : OpKind::Softmax, {x}, attrs({{"axis", int64_t(1)}})),
        DType::F64, {2, 4, 3}, want, 1e-12);
  }
}

} // namespace
} // namespace duet
