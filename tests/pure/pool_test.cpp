//===- tests/pure/pool_test.cpp - max, avg, adaptive avg pooling ----------===//

#include "pure_test_util.h"

#include <limits>

namespace duet {
namespace {

using namespace duet::test;

Buffer grid(int64_t h, int64_t w) { // 0, 1, 2, ... in a [1,1,h,w] image
  std::vector<double> v;
  for (int64_t i = 0; i < h * w; ++i)
    v.push_back(double(i));
  return f64({1, 1, h, w}, v);
}

TEST(PureMaxPool, KernelStridePadding) {
  expectValues(runOp(OpKind::MaxPool2d, {grid(4, 4)}, attrs({{"kernel", Ints{2, 2}}})), DType::F64,
               {1, 1, 2, 2}, {5, 7, 13, 15}, 0);
  expectValues(
      runOp(OpKind::MaxPool2d, {grid(4, 4)},
            attrs({{"kernel", Ints{3, 3}}, {"stride", Ints{2, 2}}, {"padding", Ints{1, 1}}})),
      DType::F64, {1, 1, 2, 2}, {5, 7, 13, 15}, 0);
  // Dilation 2, stride 1: each window reads rows/cols {i, i+2}.
  expectValues(
      runOp(OpKind::MaxPool2d, {grid(4, 4)},
            attrs({{"kernel", Ints{2, 2}}, {"stride", Ints{1, 1}}, {"dilation", Ints{2, 2}}})),
      DType::F64, {1, 1, 2, 2}, {10, 11, 14, 15}, 0);
}

TEST(PureMaxPool, CeilModeAndNaN) {
  expectValues(
      runOp(OpKind::MaxPool2d, {grid(5, 5)}, attrs({{"kernel", Ints{2, 2}}, {"ceil_mode", true}})),
      DType::F64, {1, 1, 3, 3}, {6, 8, 9, 16, 18, 19, 21, 23, 24}, 0);
  Buffer x = f32({1, 1, 2, 2}, {1, std::numeric_limits<float>::quiet_NaN(), 3, 4});
  Buffer y = runOp(OpKind::MaxPool2d, {x}, attrs({{"kernel", Ints{2, 2}}}));
  EXPECT_TRUE(std::isnan(y.at(0)));
}

TEST(PureAvgPool, CountIncludePad) {
  expectValues(runOp(OpKind::AvgPool2d, {grid(4, 4)}, attrs({{"kernel", Ints{2, 2}}})), DType::F64,
               {1, 1, 2, 2}, {2.5, 4.5, 10.5, 12.5}, 0);
  Buffer x = f32({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  Attributes a = attrs({{"kernel", Ints{2, 2}}, {"stride", Ints{2, 2}}, {"padding", Ints{1, 1}}});
  expectValues(runOp(OpKind::AvgPool2d, {x}, a), DType::F32, {1, 1, 2, 2}, {0.25, 1.25, 2.75, 7},
               0);
  a.set("count_include_pad", false);
  expectValues(runOp(OpKind::AvgPool2d, {x}, a), DType::F32, {1, 1, 2, 2}, {1, 2.5, 5.5, 7}, 0);
}

TEST(PureAvgPool, CeilModeClipsTheLastWindow) {
  expectValues(
      runOp(OpKind::AvgPool2d, {grid(5, 5)}, attrs({{"kernel", Ints{2, 2}}, {"ceil_mode", true}})),
      DType::F64, {1, 1, 3, 3}, {3, 5, 6.5, 13, 15, 16.5, 20.5, 22.5, 24}, 0);
}

TEST(PureAdaptiveAvgPool, OverlappingBins) {
  expectValues(runOp(OpKind::AdaptiveAvgPool2d, {grid(5, 5)}, attrs({{"output_size", Ints{2, 2}}})),
               DType::F64, {1, 1, 2, 2}, {6, 8, 16, 18}, 0);
  expectValues(runOp(OpKind::AdaptiveAvgPool2d, {grid(5, 5)}, attrs({{"output_size", Ints{1, 1}}})),
               DType::F64, {1, 1, 1, 1}, {12}, 0);
  // Upsampling bins repeat input cells: 2x2 -> 3x3.
  expectValues(runOp(OpKind::AdaptiveAvgPool2d, {f32({1, 1, 2, 2}, {0, 2, 4, 6})},
                     attrs({{"output_size", Ints{3, 3}}})),
               DType::F32, {1, 1, 3, 3}, {0, 1, 2, 2, 3, 4, 4, 5, 6}, 0);
}

TEST(PurePool, ChannelsAreIndependent) {
  Buffer x = f32({2, 2, 2, 2}, {1, 2, 3, 4, 10, 20, 30, 40, -1, -2, -3, -4, 0, 0, 0, 8});
  expectValues(runOp(OpKind::MaxPool2d, {x}, attrs({{"kernel", Ints{2, 2}}})), DType::F32,
               {2, 2, 1, 1}, {4, 40, -1, 8}, 0);
  expectValues(runOp(OpKind::AvgPool2d, {x}, attrs({{"kernel", Ints{2, 2}}})), DType::F32,
               {2, 2, 1, 1}, {2.5, 25, -2.5, 2}, 0);
}

} // namespace
} // namespace duet
