//===- tests/pure/elementwise_test.cpp - binary ops, compare, where -------===//

#include "pure_test_util.h"

#include <limits>

namespace duet {
namespace {

using namespace duet::test;
const double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Independent broadcasting reference: the operand element that feeds
/// output element `flat` (NumPy rules, by explicit coordinates).
int64_t sourceIndex(const Shape &operand, const Shape &out, int64_t flat) {
  std::vector<int64_t> coord(out.size());
  for (size_t d = out.size(); d-- > 0;) {
    coord[d] = flat % out[d];
    flat /= out[d];
  }
  int64_t idx = 0;
  size_t shift = out.size() - operand.size();
  for (size_t d = 0; d < operand.size(); ++d)
    idx = idx * operand[d] + (operand[d] == 1 ? 0 : coord[d + shift]);
  return idx;
}

TEST(PureBinary, SameShapeAndScalar) {
  expectValues(runOp(OpKind::Add, {f32({3}, {1, 2, 3}), f32({3}, {10, 20, 30})}), DType::F32, {3},
               {11, 22, 33});
  expectValues(runOp(OpKind::Sub, {f64({2}, {5, 6}), f64({}, {1})}), DType::F64, {2}, {4, 5});
  expectValues(runOp(OpKind::Sub, {f64({}, {1}), f64({2}, {5, 6})}), DType::F64, {2}, {-4, -5});
  expectValues(runOp(OpKind::Mul, {f32({}, {3}), f32({}, {4})}), DType::F32, {}, {12});
  expectValues(runOp(OpKind::Div, {f32({1, 1}, {1}), f32({2}, {2, 4})}), DType::F32, {1, 2},
               {0.5, 0.25});
}

TEST(PureBinary, BroadcastSizeOneAndRank) {
  // [2,3] * [3]: a bias row.
  expectValues(runOp(OpKind::Mul, {f32({2, 3}, {1, 2, 3, 4, 5, 6}), f32({3}, {1, 10, 100})}),
               DType::F32, {2, 3}, {1, 20, 300, 4, 50, 600});
  // [2,1] / [1,3]: an outer product of broadcasts.
  expectValues(runOp(OpKind::Div, {f64({2, 1}, {6, 12}), f64({1, 3}, {1, 2, 3})}), DType::F64,
               {2, 3}, {6, 3, 2, 12, 6, 4});
  // [2,1,3] + [4,1] -> [2,4,3], checked against the coordinate reference.
  Buffer a = ramp(DType::F32, {2, 1, 3}, 3), b = ramp(DType::F32, {4, 1}, 4);
  Buffer y = runOp(OpKind::Add, {a, b});
  ASSERT_EQ(y.shape(), (Shape{2, 4, 3}));
  for (int64_t i = 0; i < y.numel(); ++i)
    EXPECT_FLOAT_EQ(float(y.at(i)), float(a.at(sourceIndex({2, 1, 3}, {2, 4, 3}, i)) +
                                          b.at(sourceIndex({4, 1}, {2, 4, 3}, i))));
}

TEST(PureBinary, BroadcastAgainstReference) {
  struct Case {
    Shape a, b;
  } cases[] = {{{3, 1, 5}, {1, 4, 1}}, {{2, 3, 4, 5}, {3, 1, 5}}, {{1}, {2, 3}},
               {{4, 1, 1, 2}, {3, 1}}, {{5, 7}, {5, 1}},          {{1, 6}, {6, 1}},
               {{4}, {3, 4}},          {{2, 3, 4}, {1, 3, 4}},    {{2, 3, 4}, {4}}};
  for (const Case &c : cases) {
    Shape out = broadcastShapes(c.a, c.b);
    Buffer a = ramp(DType::F64, c.a, 11), b = ramp(DType::F64, c.b, 12);
    Buffer y = runOp(OpKind::Sub, {a, b});
    ASSERT_EQ(y.shape(), out);
    for (int64_t i = 0; i < y.numel(); ++i)
      ASSERT_EQ(y.at(i), a.at(sourceIndex(c.a, out, i)) - b.at(sourceIndex(c.b, out, i)))
          << shapeToString(c.a) << " - " << shapeToString(c.b) << " at " << i;
  }
}

TEST(PureBinary, ZeroSizeDims) {
  Buffer y = runOp(OpKind::Add, {f32({0, 3}, {}), f32({3}, {1, 2, 3})});
  EXPECT_EQ(y.shape(), (Shape{0, 3}));
  EXPECT_EQ(y.numel(), 0);
  Buffer z = runOp(OpKind::Mul, {f32({2, 0}, {}), f32({1}, {5})});
  EXPECT_EQ(z.shape(), (Shape{2, 0}));
  Buffer w = runOp(OpKind::Maximum, {i64({0}, {}), i64({1}, {3})});
  EXPECT_EQ(w.shape(), (Shape{0}));
}

TEST(PureBinary, IntegerDivisionTruncates) {
  expectValues(runOp(OpKind::Div, {i64({4}, {7, -7, 7, -7}), i64({4}, {2, 2, -2, -2})}), DType::I64,
               {4}, {3, -3, -3, 3}, 0);
  const int64_t lo = std::numeric_limits<int64_t>::min();
  expectValues(runOp(OpKind::Div, {i64({1}, {lo}), i64({}, {-1})}), DType::I64, {1}, {double(lo)},
               0);
  OneOp op;
  try {
    op.run(OpKind::Div, {i64({2}, {1, 2}), i64({2}, {1, 0})});
    FAIL() << "expected an error";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("division by zero"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("div"), std::string::npos) << e.what();
  }
  expectValues(
      runOp(OpKind::Add, {i64({2}, {std::numeric_limits<int64_t>::max(), 1}), i64({}, {1})}),
      DType::I64, {2}, {double(lo), 2}, 0); // wraps
}

TEST(PureBinary, PowMaximumMinimum) {
  expectValues(runOp(OpKind::Pow, {f64({4}, {2, 4, -8, 0}), f64({4}, {3, 0.5, 1.0 / 3, 0})}),
               DType::F64, {4}, {8, 2, kNaN, 1});
  expectValues(runOp(OpKind::Pow, {f32({2}, {3, -2}), f32({}, {2})}), DType::F32, {2}, {9, 4});
  Buffer a = f32({3}, {1, float(kNaN), 3}), b = f32({3}, {2, 0, float(kNaN)});
  // torch.maximum/minimum propagate NaN from either side.
  expectValues(runOp(OpKind::Maximum, {a, b}), DType::F32, {3}, {2, kNaN, kNaN});
  expectValues(runOp(OpKind::Minimum, {a, b}), DType::F32, {3}, {1, kNaN, kNaN});
  expectValues(runOp(OpKind::Maximum, {i64({3}, {1, 5, -2}), i64({1}, {0})}), DType::I64, {3},
               {1, 5, 0}, 0);
  expectValues(runOp(OpKind::Minimum, {i64({3}, {1, 5, -2}), i64({1}, {0})}), DType::I64, {3},
               {0, 0, -2}, 0);
}

TEST(PureCompare, AllSixWithBroadcast) {
  Buffer a = f32({2, 2}, {1, 2, 3, 4}), b = f32({2}, {2, 3});
  // a = [[1,2],[3,4]] vs b row [2,3].
  expectValues(runOp(OpKind::Eq, {a, b}), DType::Bool, {2, 2}, {0, 0, 0, 0}, 0);
  expectValues(runOp(OpKind::Ne, {a, b}), DType::Bool, {2, 2}, {1, 1, 1, 1}, 0);
  expectValues(runOp(OpKind::Lt, {a, b}), DType::Bool, {2, 2}, {1, 1, 0, 0}, 0);
  expectValues(runOp(OpKind::Le, {a, f32({}, {2})}), DType::Bool, {2, 2}, {1, 1, 0, 0}, 0);
  expectValues(runOp(OpKind::Gt, {a, b}), DType::Bool, {2, 2}, {0, 0, 1, 1}, 0);
  expectValues(runOp(OpKind::Ge, {a, f32({2, 1}, {2, 4})}), DType::Bool, {2, 2}, {0, 1, 0, 1}, 0);
}

TEST(PureCompare, NaNAndOtherDTypes) {
  Buffer n = f64({2}, {kNaN, 1});
  expectValues(runOp(OpKind::Eq, {n, n}), DType::Bool, {2}, {0, 1}, 0);
  expectValues(runOp(OpKind::Ne, {n, n}), DType::Bool, {2}, {1, 0}, 0);
  expectValues(runOp(OpKind::Lt, {n, f64({}, {5})}), DType::Bool, {2}, {0, 1}, 0);
  expectValues(runOp(OpKind::Eq, {i64({3}, {1, 2, 3}), i64({1}, {2})}), DType::Bool, {3}, {0, 1, 0},
               0);
  Buffer t = boolean({2}, {true, false});
  expectValues(runOp(OpKind::Eq, {t, boolean({}, {true})}), DType::Bool, {2}, {1, 0}, 0);
  expectValues(runOp(OpKind::Gt, {t, boolean({}, {false})}), DType::Bool, {2}, {1, 0}, 0);
}

TEST(PureWhere, BroadcastsAllThree) {
  Buffer c = boolean({2, 1}, {true, false});
  Buffer a = f32({3}, {1, 2, 3}), b = f32({}, {-1});
  expectValues(runOp(OpKind::Where, {c, a, b}), DType::F32, {2, 3}, {1, 2, 3, -1, -1, -1}, 0);
  Buffer c2 = boolean({3}, {true, false, true});
  expectValues(runOp(OpKind::Where, {c2, i64({2, 1}, {10, 20}), i64({3}, {7, 8, 9})}), DType::I64,
               {2, 3}, {10, 8, 10, 20, 8, 20}, 0);
  expectValues(runOp(OpKind::Where, {c2, boolean({}, {false}), boolean({}, {true})}), DType::Bool,
               {3}, {0, 1, 0}, 0);
}

} // namespace
} // namespace duet
