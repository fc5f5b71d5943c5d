//===- tests/pure/grad_kernels_test.cpp - the gradient ops of autodiff ----===//
//
// Hand-computed values for each gradient op (docs/ops.md, "Gradient ops").
//
#include "pure_test_util.h"

#include <limits>

namespace duet {
namespace {

using namespace duet::test;

std::string errorOf(OpKind op, const std::vector<Buffer> &in, Attributes a = {}) {
  try {
    runOp(op, in, std::move(a));
  } catch (const Error &e) {
    return e.what();
  }
  return "(no error)";
}

TEST(PureGradKernels, GeluGradIsTheExactDerivative) {
  // Phi(1) = 0.8413447461, phi(1) = 0.2419707245.
  expectValues(runOp(OpKind::GeluGrad, {f64({3}, {2, 1, 1}), f64({3}, {0, 1, -1})}), DType::F64,
               {3}, {1.0, 1.0833154706, -0.0833154706}, 1e-9);
  expectValues(runOp(OpKind::GeluGrad, {f32({1}, {1}), f32({1}, {1})}), DType::F32, {1},
               {1.0833154706}, 1e-6);
}

TEST(PureGradKernels, Conv2dGradInputIsTheTransposedConvolution) {
  // Every output pixel's gradient 1, spread over its window with weights w.
  Attributes a = attrs({{"input_size", Ints{3, 3}}});
  expectValues(runOp(OpKind::Conv2dGradInput,
                     {f64({1, 1, 2, 2}, {1, 1, 1, 1}), f64({1, 1, 2, 2}, {1, 2, 3, 4})}, a),
               DType::F64, {1, 1, 3, 3}, {1, 3, 2, 4, 10, 6, 3, 7, 4}, 0);
  // Stride 2, padding 1: the four windows cover disjoint parts of the image.
  a = attrs({{"input_size", Ints{3, 3}}, {"stride", Ints{2, 2}}, {"padding", Ints{1, 1}}});
  expectValues(
      runOp(OpKind::Conv2dGradInput,
            {f64({1, 1, 2, 2}, {4, 8, 12, 16}), f64({1, 1, 2, 2}, {0.25, 0.25, 0.25, 0.25})}, a),
      DType::F64, {1, 1, 3, 3}, {1, 2, 2, 3, 4, 4, 3, 4, 4}, 0);
  // Groups: each output channel reads only its own input channel.
  a = attrs({{"input_size", Ints{2, 2}}, {"groups", int64_t{2}}});
  expectValues(runOp(OpKind::Conv2dGradInput,
                     {f32({1, 2, 2, 2}, {1, 2, 3, 4, 1, 1, 1, 1}), f32({2, 1, 1, 1}, {2, 3})}, a),
               DType::F32, {1, 2, 2, 2}, {2, 4, 6, 8, 3, 3, 3, 3}, 0);
}

TEST(PureGradKernels, Conv2dGradWeightCorrelatesInputAndGradient) {
  Attributes a = attrs({{"kernel_size", Ints{2, 2}}});
  expectValues(
      runOp(OpKind::Conv2dGradWeight,
            {f64({1, 1, 2, 2}, {1, 1, 1, 1}), f64({1, 1, 3, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8})}, a),
      DType::F64, {1, 1, 2, 2}, {8, 12, 20, 24}, 0);
  a = attrs({{"kernel_size", Ints{1, 1}}, {"groups", int64_t{2}}});
  expectValues(runOp(OpKind::Conv2dGradWeight,
                     {f32({1, 2, 2, 2}, {1, 2, 3, 4, 1, 1, 1, 1}),
                      f32({1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8})},
                     a),
               DType::F32, {2, 1, 1, 1}, {30, 26}, 0);
  // Dilation 2 with a batch of two: the gradients of both images add up.
  a = attrs({{"kernel_size", Ints{1, 2}}, {"dilation", Ints{1, 2}}});
  expectValues(runOp(OpKind::Conv2dGradWeight,
                     {f64({2, 1, 1, 1}, {1, 10}), f64({2, 1, 1, 3}, {1, 2, 3, 4, 5, 6})}, a),
               DType::F64, {1, 1, 1, 2}, {41, 63}, 0);
}

TEST(PureGradKernels, MaxPool2dGradRoutesToTheFirstMaximum) {
  std::vector<double> grid(16);
  for (int i = 0; i < 16; ++i)
    grid[size_t(i)] = i;
  std::vector<double> want(16, 0);
  want[5] = 1, want[7] = 2, want[13] = 3, want[15] = 4;
  expectValues(runOp(OpKind::MaxPool2dGrad,
                     {f64({1, 1, 2, 2}, {1, 2, 3, 4}), f64({1, 1, 4, 4}, grid)},
                     attrs({{"kernel", Ints{2, 2}}})),
               DType::F64, {1, 1, 4, 4}, want, 0);
  // Overlapping windows that pick the same element add up; a tie goes to the
  // first position.
  Attributes a = attrs({{"kernel", Ints{1, 2}}, {"stride", Ints{1, 1}}});
  expectValues(
      runOp(OpKind::MaxPool2dGrad, {f32({1, 1, 1, 2}, {1, 2}), f32({1, 1, 1, 3}, {1, 3, 2})}, a),
      DType::F32, {1, 1, 1, 3}, {0, 3, 0}, 0);
  expectValues(runOp(OpKind::MaxPool2dGrad, {f32({1, 1, 1, 1}, {7}), f32({1, 1, 1, 2}, {5, 5})},
                     attrs({{"kernel", Ints{1, 2}}})),
               DType::F32, {1, 1, 1, 2}, {7, 0}, 0);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  expectValues(runOp(OpKind::MaxPool2dGrad,
                     {f32({1, 1, 1, 1}, {2}), f32({1, 1, 2, 2}, {1, nan, 3, 4})},
                     attrs({{"kernel", Ints{2, 2}}})),
               DType::F32, {1, 1, 2, 2}, {0, 2, 0, 0}, 0);
}

TEST(PureGradKernels, AvgPool2dGradDividesByTheForwardDivisor) {
  Attributes a = attrs({{"kernel", Ints{2, 2}},
                        {"stride", Ints{2, 2}},
                        {"padding", Ints{1, 1}},
                        {"input_size", Ints{3, 3}}});
  expectValues(runOp(OpKind::AvgPool2dGrad, {f64({1, 1, 2, 2}, {4, 8, 12, 16})}, a), DType::F64,
               {1, 1, 3, 3}, {1, 2, 2, 3, 4, 4, 3, 4, 4}, 0);
  a.set("count_include_pad", false);
  expectValues(runOp(OpKind::AvgPool2dGrad, {f64({1, 1, 2, 2}, {4, 8, 12, 16})}, a), DType::F64,
               {1, 1, 3, 3}, {4, 4, 4, 6, 4, 4, 6, 4, 4}, 0);
  // ceil_mode: the last window is clipped to the input.
  a = attrs({{"kernel", Ints{1, 2}}, {"ceil_mode", true}, {"input_size", Ints{1, 3}}});
  expectValues(runOp(OpKind::AvgPool2dGrad, {f32({1, 1, 1, 2}, {2, 3})}, a), DType::F32,
               {1, 1, 1, 3}, {1, 1, 3}, 0);
}

TEST(PureGradKernels, AdaptiveAvgPool2dGradSpreadsOverOverlappingBins) {
  // Bins of 5 columns into 2: [0,3) and [2,5), each of size 3.
  expectValues(runOp(OpKind::AdaptiveAvgPool2dGrad, {f64({1, 1, 1, 2}, {3, 6})},
                     attrs({{"input_size", Ints{1, 5}}})),
               DType::F64, {1, 1, 1, 5}, {1, 1, 3, 2, 2}, 0);
}

TEST(PureGradKernels, ScatterAddAccumulatesRepeatedIndices) {
  expectValues(
      runOp(OpKind::ScatterAdd, {f64({3}, {1, 2, 3}), i64({3}, {0, 2, 0}), f64({3}, {10, 20, 30})}),
      DType::F64, {3}, {41, 2, 23}, 0);
  // Along axis 1, with a source larger than the index (its extra column is
  // ignored).
  expectValues(runOp(OpKind::ScatterAdd,
                     {f32({2, 3}, {0, 0, 0, 0, 0, 0}), i64({2, 2}, {2, 0, 1, 1}),
                      f32({2, 3}, {1, 2, 3, 4, 5, 6})},
                     attrs({{"axis", int64_t{-1}}})),
               DType::F32, {2, 3}, {2, 0, 1, 0, 9, 0}, 0);
  expectValues(runOp(OpKind::ScatterAdd, {i64({2}, {1, 1}), i64({1}, {1}), i64({1}, {5})}),
               DType::I64, {2}, {1, 6}, 0);
  std::string msg = errorOf(OpKind::ScatterAdd, {f64({2}, {0, 0}), i64({1}, {2}), f64({1}, {1})});
  EXPECT_NE(msg.find("index 2 out of range [0, 2)"), std::string::npos) << msg;
  msg = errorOf(OpKind::ScatterAdd, {f64({2}, {0, 0}), i64({1}, {-1}), f64({1}, {1})});
  EXPECT_NE(msg.find("index -1 out of range"), std::string::npos) << msg;
}

TEST(PureGradKernels, GradientShapeMustMatchTheForward) {
  std::string msg =
      errorOf(OpKind::MaxPool2dGrad,
              {f32({1, 1, 3, 3}, std::vector<float>(9)), f32({1, 1, 4, 4}, std::vector<float>(16))},
              attrs({{"kernel", Ints{2, 2}}}));
  EXPECT_NE(msg.find("does not have the forward result shape [1,1,2,2]"), std::string::npos) << msg;
  msg =
      errorOf(OpKind::Conv2dGradInput,
              {f32({1, 1, 2, 2}, std::vector<float>(4)), f32({1, 1, 2, 2}, std::vector<float>(4))},
              attrs({{"input_size", Ints{4, 4}}}));
  EXPECT_NE(msg.find("conv2d_grad_input"), std::string::npos) << msg;
}

} // namespace
} // namespace duet
