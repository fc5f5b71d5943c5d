//===- tests/pure/movement_test.cpp - reshape ... slice, concat -----------===//

#include "pure_test_util.h"

namespace duet {
namespace {

using namespace duet::test;

Buffer seq(DType dt, Shape s) { // 0, 1, 2, ...
  Buffer b = Buffer::allocate(dt, std::move(s));
  for (int64_t i = 0; i < b.numel(); ++i) {
    if (dt == DType::F32)
      b.data<float>()[i] = float(i);
    else
      b.data<int64_t>()[i] = i;
  }
  return b;
}

TEST(PureMovement, ReshapeAndView) {
  Buffer x = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  expectValues(runOp(OpKind::Reshape, {x}, attrs({{"shape", Ints{3, -1}}})), DType::F32, {3, 2},
               {1, 2, 3, 4, 5, 6}, 0);
  expectValues(runOp(OpKind::View, {x}, attrs({{"shape", Ints{6}}})), DType::F32, {6},
               {1, 2, 3, 4, 5, 6}, 0);
}

TEST(PureMovement, TransposeAndPermute) {
  Buffer x = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  expectValues(runOp(OpKind::Transpose, {x}, attrs({{"dim0", int64_t(0)}, {"dim1", int64_t(-1)}})),
               DType::F32, {3, 2}, {1, 4, 2, 5, 3, 6}, 0);
  Buffer y = seq(DType::I64, {2, 3, 4});
  // permute(2, 0, 1): out[k][i][j] = y[i][j][k] = (i*3 + j)*4 + k.
  std::vector<double> want;
  for (int64_t k = 0; k < 4; ++k)
    for (int64_t i = 0; i < 2; ++i)
      for (int64_t j = 0; j < 3; ++j)
        want.push_back(double((i * 3 + j) * 4 + k));
  expectValues(runOp(OpKind::Permute, {y}, attrs({{"dims", Ints{2, 0, 1}}})), DType::I64, {4, 2, 3},
               want, 0);
  // transpose(0, 2) of [2,3,4]: out[k][j][i] = y[i][j][k].
  want.clear();
  for (int64_t k = 0; k < 4; ++k)
    for (int64_t j = 0; j < 3; ++j)
      for (int64_t i = 0; i < 2; ++i)
        want.push_back(double((i * 3 + j) * 4 + k));
  expectValues(runOp(OpKind::Transpose, {y}, attrs({{"dim0", int64_t(0)}, {"dim1", int64_t(2)}})),
               DType::I64, {4, 3, 2}, want, 0);
}

TEST(PureMovement, BroadcastToAndExpand) {
  expectValues(runOp(OpKind::BroadcastTo, {f32({3}, {1, 2, 3})}, attrs({{"shape", Ints{2, 3}}})),
               DType::F32, {2, 3}, {1, 2, 3, 1, 2, 3}, 0);
  expectValues(runOp(OpKind::BroadcastTo, {f32({2, 1}, {1, 2})}, attrs({{"shape", Ints{2, 3}}})),
               DType::F32, {2, 3}, {1, 1, 1, 2, 2, 2}, 0);
  expectValues(runOp(OpKind::BroadcastTo, {i64({}, {7})}, attrs({{"shape", Ints{2, 2}}})),
               DType::I64, {2, 2}, {7, 7, 7, 7}, 0);
  expectValues(runOp(OpKind::Expand, {f32({2, 1}, {1, 2})}, attrs({{"shape", Ints{2, 2, -1}}})),
               DType::F32, {2, 2, 1}, {1, 2, 1, 2}, 0);
  expectValues(runOp(OpKind::Expand, {boolean({1}, {true})}, attrs({{"shape", Ints{3}}})),
               DType::Bool, {3}, {1, 1, 1}, 0);
}

TEST(PureMovement, Concat) {
  Buffer a = f32({1, 2}, {1, 2}), b = f32({2, 2}, {3, 4, 5, 6});
  expectValues(runOp(OpKind::Concat, {a, b}), DType::F32, {3, 2}, {1, 2, 3, 4, 5, 6}, 0);
  Buffer c = f32({2, 1}, {7, 8});
  expectValues(runOp(OpKind::Concat, {b, c, b}, attrs({{"axis", int64_t(-1)}})), DType::F32, {2, 5},
               {3, 4, 7, 3, 4, 5, 6, 8, 5, 6}, 0);
  expectValues(runOp(OpKind::Concat, {i64({0, 2}, {}), i64({1, 2}, {9, 8})}), DType::I64, {1, 2},
               {9, 8}, 0);
  expectValues(runOp(OpKind::Concat, {boolean({1}, {true}), boolean({2}, {false, true})}),
               DType::Bool, {3}, {1, 0, 1}, 0);
  expectValues(runOp(OpKind::Concat, {a}), DType::F32, {1, 2}, {1, 2}, 0);
}

TEST(PureMovement, SlicePythonSemantics) {
  Buffer x = seq(DType::I64, {10});
  auto slice = [&](Attributes a) { return runOp(OpKind::Slice, {x}, std::move(a)); };
  expectValues(slice(attrs({{"start", int64_t(2)}, {"end", int64_t(8)}, {"step", int64_t(3)}})),
               DType::I64, {2}, {2, 5}, 0);
  expectValues(slice(attrs({{"start", int64_t(-3)}})), DType::I64, {3}, {7, 8, 9}, 0);
  expectValues(slice(attrs({{"start", int64_t(-100)}, {"end", int64_t(2)}})), DType::I64, {2},
               {0, 1}, 0);
  expectValues(slice(attrs({{"start", int64_t(8)}, {"end", int64_t(100)}})), DType::I64, {2},
               {8, 9}, 0);
  EXPECT_EQ(slice(attrs({{"start", int64_t(6)}, {"end", int64_t(3)}})).numel(), 0);
  expectValues(slice(attrs({{"step", int64_t(4)}})), DType::I64, {3}, {0, 4, 8}, 0);
  Buffer y = seq(DType::F32, {2, 4});
  expectValues(runOp(OpKind::Slice, {y},
                     attrs({{"axis", int64_t(-1)}, {"start", int64_t(1)}, {"end", int64_t(-1)}})),
               DType::F32, {2, 2}, {1, 2, 5, 6}, 0);
}

} // namespace
} // namespace duet
