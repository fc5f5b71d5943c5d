//===- tests/ir/op_shapes_test.cpp - shape/dtype rules of every op ----------===//
//
// Expected shapes are worked out by hand from docs/ops.md (and PyTorch's
// formulas for conv/pool), not computed by the code under test.
//
#include "ir/error.h"
#include "ir/op_registry.h"

#include <gtest/gtest.h>

#include <climits>
#include <set>

namespace duet {
namespace {

TensorType f32(Shape s) { return {DType::F32, std::move(s)}; }
TensorType f64(Shape s) { return {DType::F64, std::move(s)}; }
TensorType i64(Shape s) { return {DType::I64, std::move(s)}; }
TensorType b8(Shape s) { return {DType::Bool, std::move(s)}; }

Attributes attrs(std::initializer_list<std::pair<std::string, AttrValue>> items) {
  Attributes a;
  for (const auto &[k, v] : items)
    a.set(k, v);
  return a;
}

using Ints = std::vector<int64_t>;

struct Case {
  OpKind op;
  std::vector<TensorType> in;
  Attributes attrs;
  TensorType expected;
};

// At least one case per op; edge cases (broadcasting, size-1 and zero-size
// dims, negative axes, ceil_mode) are here too.
std::vector<Case> cases() {
  return {
      {OpKind::Neg, {i64({2, 0})}, {}, i64({2, 0})},
      {OpKind::Abs, {f64({})}, {}, f64({})},
      {OpKind::Exp, {f32({3})}, {}, f32({3})},
      {OpKind::Log, {f32({3})}, {}, f32({3})},
      {OpKind::Sqrt, {f64({1, 1})}, {}, f64({1, 1})},
      {OpKind::Rsqrt, {f32({2})}, {}, f32({2})},
      {OpKind::Tanh, {f32({2})}, {}, f32({2})},
      {OpKind::Sigmoid, {f32({2})}, {}, f32({2})},
      {OpKind::Relu, {i64({5})}, {}, i64({5})},
      {OpKind::Gelu, {f32({4, 8})}, {}, f32({4, 8})},
      {OpKind::LeakyRelu, {f32({2})}, attrs({{"slope", 0.2}}), f32({2})},
      {OpKind::Clamp, {i64({2})}, attrs({{"min", int64_t(0)}}), i64({2})},
      {OpKind::Cast, {f32({2, 3})}, attrs({{"dtype", std::string("bool")}}), b8({2, 3})},
      {OpKind::Add, {f32({2, 3}), f32({3})}, {}, f32({2, 3})},
      {OpKind::Add, {f32({}), f32({4, 1})}, {}, f32({4, 1})},
      {OpKind::Sub, {f32({5, 1, 3}), f32({4, 1})}, {}, f32({5, 4, 3})},
      {OpKind::Mul, {f32({0, 3}), f32({1, 3})}, {}, f32({0, 3})},
      {OpKind::Mul, {f32({1}), f32({0})}, {}, f32({0})},
      {OpKind::Div, {i64({2, 1}), i64({1, 2})}, {}, i64({2, 2})},
      {OpKind::Pow, {f64({3}), f64({})}, {}, f64({3})},
      {OpKind::Maximum, {i64({2}), i64({2})}, {}, i64({2})},
      {OpKind::Minimum, {f32({1, 1, 1}), f32({7})}, {}, f32({1, 1, 7})},
      {OpKind::Eq, {b8({2}), b8({2})}, {}, b8({2})},
      {OpKind::Ne, {i64({3, 1}), i64({4})}, {}, b8({3, 4})},
      {OpKind::Lt, {f32({2}), f32({2})}, {}, b8({2})},
      {OpKind::Le, {f32({}), f32({})}, {}, b8({})},
      {OpKind::Gt, {f64({2, 3}), f64({3})}, {}, b8({2, 3})},
      {OpKind::Ge, {f32({2}), f32({1})}, {}, b8({2})},
      {OpKind::Where, {b8({4, 1}), f32({3}), f32({})}, {}, f32({4, 3})},
      {OpKind::Matmul, {f32({2, 3}), f32({3, 5})}, {}, f32({2, 5})},
      {OpKind::Matmul, {f32({7, 1, 2, 3}), f32({4, 3, 5})}, {}, f32({7, 4, 2, 5})},
      {OpKind::Matmul, {f32({2, 0}), f32({0, 4})}, {}, f32({2, 4})},
      {OpKind::Linear, {f32({8, 4}), f32({3, 4})}, {}, f32({8, 3})},
      {OpKind::Linear, {f32({2, 5, 4}), f32({3, 4}), f32({3})}, {}, f32({2, 5, 3})},
      {OpKind::Linear, {f32({4}), f32({3, 4})}, {}, f32({3})},
      {OpKind::Sum, {f32({2, 3, 4})}, {}, f32({})},
      {OpKind::Sum, {i64({2, 3, 4})}, attrs({{"axes", Ints{-1, 0}}}), i64({3})},
      {OpKind::Mean,
       {f32({2, 3, 4})},
       attrs({{"axes", Ints{1}}, {"keepdim", true}}),
       f32({2, 1, 4})},
      {OpKind::Mean, {f32({2, 3})}, attrs({{"keepdim", true}}), f32({1, 1})},
      {OpKind::Max, {f32({2, 3})}, attrs({{"axes", Ints{1}}}), f32({2})},
      {OpKind::Min, {f32({0, 3})}, attrs({{"axes", Ints{1}}}), f32({0})},
      {OpKind::Sum, {f32({})}, attrs({{"axes", Ints{-1}}}), f32({})},
      {OpKind::Argmax, {f32({2, 3})}, attrs({{"axis", int64_t(-1)}}), i64({2})},
      {OpKind::Argmax,
       {i64({2, 3})},
       attrs({{"axis", int64_t(0)}, {"keepdim", true}}),
       i64({1, 3})},
      {OpKind::Softmax, {f32({2, 3})}, {}, f32({2, 3})},
      {OpKind::LogSoftmax, {f64({2, 3})}, attrs({{"axis", int64_t(0)}}), f64({2, 3})},
      {OpKind::Reshape, {f32({2, 3, 4})}, attrs({{"shape", Ints{6, -1}}}), f32({6, 4})},
      {OpKind::Reshape, {f32({1})}, attrs({{"shape", Ints{}}}), f32({})},
      {OpKind::Reshape, {f32({0, 4})}, attrs({{"shape", Ints{-1, 2}}}), f32({0, 2})},
      {OpKind::View, {i64({6})}, attrs({{"shape", Ints{3, 2}}}), i64({3, 2})},
      {OpKind::Transpose,
       {f32({2, 3, 4})},
       attrs({{"dim0", int64_t(0)}, {"dim1", int64_t(-1)}}),
       f32({4, 3, 2})},
      {OpKind::Permute, {f32({2, 3, 4})}, attrs({{"dims", Ints{1, -1, 0}}}), f32({3, 4, 2})},
      {OpKind::BroadcastTo, {f32({3, 1})}, attrs({{"shape", Ints{2, 3, 5}}}), f32({2, 3, 5})},
      {OpKind::BroadcastTo, {f32({1})}, attrs({{"shape", Ints{0}}}), f32({0})},
      {OpKind::Expand, {f32({3, 1})}, attrs({{"shape", Ints{2, -1, 4}}}), f32({2, 3, 4})},
      {OpKind::Concat, {f32({2, 3}), f32({5, 3}), f32({0, 3})}, {}, f32({7, 3})},
      {OpKind::Concat, {f32({2, 3}), f32({2, 1})}, attrs({{"axis", int64_t(-1)}}), f32({2, 4})},
      {OpKind::Concat, {i64({4})}, {}, i64({4})},
      {OpKind::Slice,
       {f32({10, 4})},
       attrs({{"start", int64_t(2)}, {"end", int64_t(7)}}),
       f32({5, 4})},
      {OpKind::Slice, {f32({10})}, attrs({{"start", int64_t(-3)}}), f32({3})},
      {OpKind::Slice,
       {f32({10})},
       attrs({{"start", int64_t(1)}, {"step", int64_t(3)}}),
       f32({3})}, // 1, 4, 7
      {OpKind::Slice,
       {f32({10})},
       attrs({{"start", int64_t(-100)}, {"end", int64_t(100)}}),
       f32({10})},
      {OpKind::Slice, {f32({10})}, attrs({{"start", int64_t(8)}, {"end", int64_t(2)}}), f32({0})},
      {OpKind::Slice,
       {f32({2, 10})},
       attrs({{"axis", int64_t(1)}, {"end", int64_t(-1)}, {"step", int64_t(4)}}),
       f32({2, 3})}, // 0, 4, 8
      // Conv: H_out = floor((H + 2p - d(k-1) - 1)/s) + 1.
      {OpKind::Conv2d,
       {f32({8, 1, 28, 28}), f32({8, 1, 3, 3}), f32({8})},
       attrs({{"padding", Ints{1, 1}}}),
       f32({8, 8, 28, 28})},
      {OpKind::Conv2d,
       {f32({1, 4, 10, 9}), f32({6, 2, 3, 2})},
       attrs({{"stride", Ints{2, 3}}, {"dilation", Ints{2, 1}}, {"groups", int64_t(2)}}),
       f32({1, 6, 3, 3})}, // (10-5)/2+1 = 3, (9-2)/3+1 = 3
      {OpKind::MaxPool2d,
       {f32({8, 8, 28, 28})},
       attrs({{"kernel", Ints{2, 2}}}),
       f32({8, 8, 14, 14})},
      {OpKind::MaxPool2d,
       {f32({1, 1, 5, 5})},
       attrs({{"kernel", Ints{2, 2}}, {"ceil_mode", true}}),
       f32({1, 1, 3, 3})},
      // ceil_mode: ceil(5/2)+1 = 4 windows, but the 4th would start in the right
      // padding (3*2 >= 5+1), so it is dropped.
      {OpKind::MaxPool2d,
       {f32({1, 1, 5, 5})},
       attrs({{"kernel", Ints{2, 2}}, {"padding", Ints{1, 1}}, {"ceil_mode", true}}),
       f32({1, 1, 3, 3})},
      // ceil_mode with the last window starting inside the input: kept.
      {OpKind::MaxPool2d,
       {f32({1, 1, 6, 6})},
       attrs({{"kernel", Ints{3, 3}},
              {"stride", Ints{2, 2}},
              {"padding", Ints{1, 1}},
              {"ceil_mode", true}}),
       f32({1, 1, 4, 4})},
      {OpKind::MaxPool2d,
       {f32({1, 1, 7, 7})},
       attrs({{"kernel", Ints{3, 3}}, {"dilation", Ints{2, 2}}}),
       f32({1, 1, 1, 1})},
      {OpKind::AvgPool2d,
       {f64({2, 3, 7, 8})},
       attrs({{"kernel", Ints{3, 2}}, {"stride", Ints{2, 2}}, {"padding", Ints{1, 0}}}),
       f64({2, 3, 4, 4})},
      {OpKind::AdaptiveAvgPool2d,
       {f32({2, 512, 7, 7})},
       attrs({{"output_size", Ints{1, 1}}}),
       f32({2, 512, 1, 1})},
      {OpKind::BatchNorm,
       {f32({4, 3, 5, 5}), f32({3}), f32({3}), f32({3}), f32({3})},
       attrs({{"eps", 1e-3}}),
       f32({4, 3, 5, 5})},
      {OpKind::LayerNorm, {f32({4, 128, 256}), f32({256}), f32({256})}, {}, f32({4, 128, 256})},
      {OpKind::LayerNorm, {f32({4, 2, 3}), f32({2, 3}), f32({2, 3})}, {}, f32({4, 2, 3})},
      {OpKind::Embedding, {i64({4, 7}), f32({100, 16})}, {}, f32({4, 7, 16})},
      {OpKind::Embedding, {i64({}), f32({100, 16})}, {}, f32({16})},
      {OpKind::Gather, {f32({3, 4}), i64({3, 2})}, attrs({{"axis", int64_t(1)}}), f32({3, 2})},
      {OpKind::Gather, {f32({3, 4}), i64({5, 4})}, {}, f32({5, 4})},
      {OpKind::MseLoss, {f32({8, 3}), f32({8, 3})}, {}, f32({})},
      {OpKind::CrossEntropy, {f64({8, 10}), i64({8})}, {}, f64({})},
      {OpKind::ToTorch, {i64({3})}, {}, i64({3})},
      {OpKind::FromTorch, {b8({})}, {}, b8({})},
      // Gradient ops (autodiff): the forward operand's type.
      {OpKind::GeluGrad, {f32({2, 3}), f32({2, 3})}, {}, f32({2, 3})},
      // conv2d of [2,4,7,7] by [6,2,3,3], stride 2, padding 1, groups 2 -> [2,6,4,4].
      {OpKind::Conv2dGradInput,
       {f32({2, 6, 4, 4}), f32({6, 2, 3, 3})},
       attrs({{"stride", Ints{2, 2}},
              {"padding", Ints{1, 1}},
              {"groups", int64_t(2)},
              {"input_size", Ints{7, 7}}}),
       f32({2, 4, 7, 7})},
      {OpKind::Conv2dGradWeight,
       {f32({2, 6, 4, 4}), f32({2, 4, 7, 7})},
       attrs({{"stride", Ints{2, 2}},
              {"padding", Ints{1, 1}},
              {"groups", int64_t(2)},
              {"kernel_size", Ints{3, 3}}}),
       f32({6, 2, 3, 3})},
      {OpKind::MaxPool2dGrad,
       {f32({1, 1, 4, 4}), f32({1, 1, 6, 6})},
       attrs({{"kernel", Ints{3, 3}},
              {"stride", Ints{2, 2}},
              {"padding", Ints{1, 1}},
              {"ceil_mode", true}}),
       f32({1, 1, 6, 6})},
      {OpKind::AvgPool2dGrad,
       {f64({2, 3, 4, 4})},
       attrs({{"kernel", Ints{3, 2}},
              {"stride", Ints{2, 2}},
              {"padding", Ints{1, 0}},
              {"input_size", Ints{7, 8}}}),
       f64({2, 3, 7, 8})},
      {OpKind::AdaptiveAvgPool2dGrad,
       {f32({2, 5, 1, 1})},
       attrs({{"input_size", Ints{7, 7}}}),
       f32({2, 5, 7, 7})},
      {OpKind::ScatterAdd, {f32({3, 4}), i64({5, 2}), f32({5, 3})}, {}, f32({3, 4})},
      // The last step's type: [4,1]*[3] broadcasts to [4,3], then compared, cast to f64.
      {OpKind::FusedElementwise,
       {f32({4, 1}), f32({3})},
       attrs({{"program", std::string("t0=mul(i0,i1); t1=gt(t0,i1); t2=cast[dtype=f64](t1)")}}),
       f64({4, 3})},
      // A bucket: the operands packed back to back.
      {OpKind::AllReduce, {f32({3, 4}), f32({5}), f32({})}, attrs({{"group", int64_t{1}}}),
       f32({18})},
  };
}

TEST(OpShapes, EveryOpInfersTheHandCheckedType) {
  std::set<OpKind> covered;
  for (const Case &c : cases()) {
    SCOPED_TRACE(std::string(opName(c.op)));
    TensorType got;
    ASSERT_NO_THROW(got = checkAndInferType(c.op, c.in, c.attrs));
    EXPECT_EQ(got.str(), c.expected.str());
    // The registry's own pointer gives the same answer.
    EXPECT_EQ(opInfo(c.op).inferType(c.in, c.attrs), c.expected);
    covered.insert(c.op);
  }
  for (const OpInfo &info : allOps()) {
    if (info.category != OpCategory::Source) {
      EXPECT_TRUE(covered.count(info.kind)) << "no shape case for " << info.name;
    }
  }
}

std::string errorOf(OpKind op, std::vector<TensorType> in, Attributes a = {}) {
  try {
    checkAndInferType(op, in, a);
  } catch (const Error &e) {
    return e.what();
  }
  return "(no error)";
}

TEST(OpShapes, BroadcastAndDTypeErrors) {
  EXPECT_EQ(errorOf(OpKind::Add, {f32({2, 3}), f32({4})}),
            "add: shapes f32[2,3] and f32[4] are not broadcastable");
  EXPECT_EQ(errorOf(OpKind::Add, {f32({2}), f64({2})}), "add: dtype mismatch f32 vs f64");
  EXPECT_EQ(errorOf(OpKind::Mul, {f32({0}), f32({2})}),
            "mul: shapes f32[0] and f32[2] are not broadcastable");
  EXPECT_EQ(errorOf(OpKind::Add, {b8({2}), b8({2})}),
            "add: operand 0 has type bool[2]; expected f32, f64 or i64");
  EXPECT_EQ(errorOf(OpKind::Exp, {i64({2})}),
            "exp: operand 0 has type i64[2]; expected f32 or f64");
  EXPECT_EQ(errorOf(OpKind::Pow, {i64({2}), i64({2})}),
            "pow: operand 0 has type i64[2]; expected f32 or f64");
  EXPECT_EQ(errorOf(OpKind::Where, {f32({2}), f32({2}), f32({2})}),
            "where: condition must be bool, got f32[2]");
  EXPECT_EQ(errorOf(OpKind::Where, {b8({3}), f32({2}), f32({2})}),
            "where: shapes bool[3] and f32[2] are not broadcastable");
  EXPECT_EQ(errorOf(OpKind::Lt, {f32({2}), i64({2})}), "lt: dtype mismatch f32 vs i64");
  EXPECT_EQ(errorOf(OpKind::Cast, {f32({2})}, attrs({{"dtype", std::string("f16")}})),
            "cast: unknown dtype 'f16' (expected f32, f64, i64 or bool)");
}

TEST(OpShapes, ContractionErrors) {
  EXPECT_EQ(errorOf(OpKind::Matmul, {f32({2, 3}), f32({4, 5})}),
            "matmul: contraction dimensions differ: f32[2,3] and f32[4,5] (3 vs 4)");
  EXPECT_EQ(errorOf(OpKind::Matmul, {f32({3}), f32({3, 4})}),
            "matmul: operands must have rank >= 2, got f32[3] and f32[3,4]");
  EXPECT_EQ(errorOf(OpKind::Matmul, {f32({2, 2, 3}), f32({3, 3, 4})}),
            "matmul: batch dimensions of f32[2,2,3] and f32[3,3,4] are not broadcastable");
  EXPECT_EQ(errorOf(OpKind::Linear, {f32({2, 3}), f32({4, 5})}),
            "linear: input f32[2,3] and weight f32[4,5] disagree on in_features (3 vs 5)");
  EXPECT_EQ(errorOf(OpKind::Linear, {f32({2, 3}), f32({4, 3}), f32({3})}),
            "linear: bias must have shape [4], got f32[3]");
}

TEST(OpShapes, ReductionAndMovementErrors) {
  EXPECT_EQ(errorOf(OpKind::Sum, {f32({2, 3})}, attrs({{"axes", Ints{2}}})),
            "sum: axes 2 is out of range for f32[2,3]");
  EXPECT_EQ(errorOf(OpKind::Sum, {f32({2, 3})}, attrs({{"axes", Ints{1, -1}}})),
            "sum: axes [1,-1] lists axis 1 twice");
  EXPECT_EQ(errorOf(OpKind::Mean, {i64({2})}),
            "mean: operand 0 has type i64[2]; expected f32 or f64");
  EXPECT_EQ(errorOf(OpKind::Sum, {b8({2})}),
            "sum: operand 0 has type bool[2]; expected f32, f64 or i64");
  EXPECT_EQ(errorOf(OpKind::Max, {f32({2, 0})}, attrs({{"axes", Ints{1}}})),
            "max: cannot reduce over zero-size dimension 1 of f32[2,0]");
  EXPECT_EQ(errorOf(OpKind::Softmax, {f32({2, 3})}, attrs({{"axis", int64_t(-3)}})),
            "softmax: axis -3 is out of range for f32[2,3]");
  EXPECT_EQ(errorOf(OpKind::Reshape, {f32({2, 3})}, attrs({{"shape", Ints{4, 2}}})),
            "reshape: cannot reshape f32[2,3] (6 elements) to [4,2]");
  EXPECT_EQ(errorOf(OpKind::Reshape, {f32({2, 3})}, attrs({{"shape", Ints{-1, -1}}})),
            "reshape: invalid target shape [-1,-1] (only one -1 is allowed, no other negative "
            "dims)");
  EXPECT_EQ(errorOf(OpKind::Reshape, {f32({2, 3})}, attrs({{"shape", Ints{4, -1}}})),
            "reshape: cannot reshape f32[2,3] to [4,-1]");
  EXPECT_EQ(errorOf(OpKind::Reshape, {f32({0, 3})}, attrs({{"shape", Ints{0, -1}}})),
            "reshape: cannot reshape f32[0,3] to [0,-1]"); // -1 is ambiguous
  EXPECT_EQ(errorOf(OpKind::Permute, {f32({2, 3})}, attrs({{"dims", Ints{0, 0}}})),
            "permute: dims [0,0] is not a permutation (axis 0 repeats)");
  EXPECT_EQ(errorOf(OpKind::Permute, {f32({2, 3})}, attrs({{"dims", Ints{0}}})),
            "permute: dims [0] is not a permutation of the 2 axes of f32[2,3]");
  EXPECT_EQ(errorOf(OpKind::BroadcastTo, {f32({2, 3})}, attrs({{"shape", Ints{4, 3}}})),
            "broadcast_to: cannot broadcast f32[2,3] to [4,3]");
  EXPECT_EQ(errorOf(OpKind::Expand, {f32({3})}, attrs({{"shape", Ints{-1, 3}}})),
            "expand: cannot expand f32[3] to [-1,3]");
  EXPECT_EQ(errorOf(OpKind::Concat, {f32({2, 3}), f32({2, 4})}),
            "concat: operand 1 has shape f32[2,4], incompatible with f32[2,3] along axis 0");
  EXPECT_EQ(errorOf(OpKind::Concat, {f32({2}), f64({2})}), "concat: dtype mismatch f32 vs f64");
  EXPECT_EQ(errorOf(OpKind::Slice, {f32({4})}, attrs({{"step", int64_t(0)}})),
            "slice: step must be > 0, got 0");
  EXPECT_EQ(errorOf(OpKind::Transpose, {f32({2, 3})},
                    attrs({{"dim0", int64_t(0)}, {"dim1", int64_t(2)}})),
            "transpose: dim1 2 is out of range for f32[2,3]");
}

TEST(OpShapes, NeuralNetworkOpErrors) {
  EXPECT_EQ(errorOf(OpKind::Conv2d, {f32({1, 3, 8, 8}), f32({4, 2, 3, 3})}),
            "conv2d: weight f32[4,2,3,3] expects 2 input channels per group, but input "
            "f32[1,3,8,8] with groups 1 has 3");
  EXPECT_EQ(errorOf(OpKind::Conv2d, {f32({1, 3, 2, 2}), f32({4, 3, 3, 3})}),
            "conv2d: window of size 3 (dilation 1) does not fit input size 2 with padding 0");
  EXPECT_EQ(
      errorOf(OpKind::Conv2d, {f32({1, 3, 8, 8}), f32({4, 3, 3, 3})}, attrs({{"stride", Ints{1}}})),
      "conv2d: attribute 'stride' must have 2 elements, got [1]");
  EXPECT_EQ(errorOf(OpKind::Conv2d, {f32({1, 4, 8, 8}), f32({6, 2, 3, 3})},
                    attrs({{"groups", int64_t(3)}})),
            "conv2d: groups 3 must divide both input channels 4 and output channels 6");
  EXPECT_EQ(errorOf(OpKind::Conv2d, {i64({1, 3, 8, 8}), i64({4, 3, 3, 3})}),
            "conv2d: operand 0 has type i64[1,3,8,8]; expected f32 or f64");
  EXPECT_EQ(errorOf(OpKind::Conv2d, {f32({3, 8, 8}), f32({4, 3, 3, 3})}),
            "conv2d: operand 0 must have rank 4, got f32[3,8,8]");
  EXPECT_EQ(errorOf(OpKind::MaxPool2d, {f32({1, 1, 4, 4})},
                    attrs({{"kernel", Ints{2, 2}}, {"padding", Ints{2, 0}}})),
            "max_pool2d: padding [2,0] must be at most half the kernel [2,2]");
  EXPECT_EQ(errorOf(OpKind::AvgPool2d, {f32({1, 1, 4, 4})},
                    attrs({{"kernel", Ints{2, 2}}, {"stride", Ints{0, 1}}})),
            "avg_pool2d: attribute 'stride' must be >= 1, got [0,1]");
  EXPECT_EQ(errorOf(OpKind::BatchNorm, {f32({4, 3}), f32({3}), f32({4}), f32({3}), f32({3})}),
            "batch_norm: var must have shape [3], got f32[4]");
  EXPECT_EQ(errorOf(OpKind::LayerNorm, {f32({4, 8}), f32({4}), f32({4})}),
            "layer_norm: weight f32[4] must match the trailing dimensions of input f32[4,8]");
  EXPECT_EQ(errorOf(OpKind::Embedding, {f32({4}), f32({10, 3})}),
            "embedding: operand 0 has type f32[4]; expected i64");
  EXPECT_EQ(errorOf(OpKind::Gather, {f32({3, 4}), i64({3})}),
            "gather: index i64[3] must have the rank of input f32[3,4]");
  EXPECT_EQ(errorOf(OpKind::Gather, {f32({3, 4}), i64({3, 5})}),
            "gather: index i64[3,5] is larger than input f32[3,4] in dimension 1");
  EXPECT_EQ(errorOf(OpKind::MseLoss, {f32({2}), f32({3})}),
            "mse_loss: operands must have the same shape, got f32[2] and f32[3]");
  EXPECT_EQ(errorOf(OpKind::CrossEntropy, {f32({8, 10}), i64({4})}),
            "cross_entropy: target must have shape [8] for logits f32[8,10], got i64[4]");
}

TEST(OpAttributes, ArityAndAttributeErrors) {
  EXPECT_EQ(errorOf(OpKind::Add, {f32({2}), f32({2}), f32({2})}),
            "add: expected 2 operands, got 3");
  EXPECT_EQ(errorOf(OpKind::Relu, {}), "relu: expected 1 operand, got 0");
  EXPECT_EQ(errorOf(OpKind::Linear, {f32({2})}), "linear: expected 2 or 3 operands, got 1");
  EXPECT_EQ(errorOf(OpKind::BatchNorm, {f32({2, 2})}), "batch_norm: expected 5 operands, got 1");
  EXPECT_EQ(errorOf(OpKind::Concat, {}), "concat: expected at least 1 operand, got 0");
  EXPECT_EQ(errorOf(OpKind::Conv2d, {f32({1, 1, 4, 4}), f32({1, 1, 3, 3})},
                    attrs({{"strides", Ints{1, 1}}})),
            "conv2d: unknown attribute 'strides' (known: stride, padding, dilation, groups)");
  EXPECT_EQ(errorOf(OpKind::Add, {f32({2}), f32({2})}, attrs({{"alpha", 1.0}})),
            "add: unknown attribute 'alpha' (add takes no attributes)");
  EXPECT_EQ(
      errorOf(OpKind::Conv2d, {f32({1, 1, 4, 4}), f32({1, 1, 3, 3})}, attrs({{"groups", 2.5}})),
      "conv2d: attribute 'groups' must be int, got float 2.5");
  EXPECT_EQ(errorOf(OpKind::Transpose, {f32({2, 3})}, attrs({{"dim0", int64_t(0)}})),
            "transpose: missing required attribute 'dim1'");
  EXPECT_EQ(errorOf(OpKind::MaxPool2d, {f32({1, 1, 4, 4})}),
            "max_pool2d: missing required attribute 'kernel'");
  EXPECT_EQ(errorOf(OpKind::Sum, {f32({2})}, attrs({{"axes", int64_t(0)}})),
            "sum: attribute 'axes' must be int list, got int 0");
  // An int is accepted where a float is specified, and an int list for floats.
  EXPECT_EQ(errorOf(OpKind::LeakyRelu, {f32({2})}, attrs({{"slope", int64_t(1)}})), "(no error)");
}

TEST(OpAttributes, SourcesAreDeclaredNotInferred) {
  EXPECT_EQ(errorOf(OpKind::Input, {}),
            "input: the type of a source value is declared (addInput/addParam/addNode), not "
            "inferred");
  EXPECT_EQ(errorOf(OpKind::Constant, {}, attrs({{"value", std::vector<double>{1.0}}})),
            "constant: the type of a source value is declared (addInput/addParam/addNode), not "
            "inferred");
}

TEST(OpRegistry, NamesSpecsAndLookup) {
  size_t n = 0;
  for (const OpInfo &info : allOps()) {
    EXPECT_EQ(static_cast<size_t>(info.kind), n++);
    EXPECT_EQ(opFromName(info.name), info.kind);
    EXPECT_EQ(&opInfo(info.kind), &info);
    EXPECT_NE(info.inferType, nullptr);
    EXPECT_NE(info.flops, nullptr);
  }
  EXPECT_EQ(n, 68u); // the ops in ir/ops.def
  EXPECT_EQ(opFromName("matmull"), std::nullopt);
  EXPECT_EQ(opFromName("max_pool2d"), OpKind::MaxPool2d);
  const OpInfo &conv = opInfo(OpKind::Conv2d);
  ASSERT_EQ(conv.attrs.size(), 4u);
  EXPECT_EQ(conv.attrs[3].name, "groups");
  EXPECT_EQ(conv.attrs[3].kind, AttrKind::Int);
  EXPECT_FALSE(conv.attrs[3].required);
  EXPECT_TRUE(opInfo(OpKind::Cast).attrs.at(0).required);
  EXPECT_TRUE(opInfo(OpKind::Add).isElementwise());
  EXPECT_TRUE(opInfo(OpKind::Where).isElementwise());
  EXPECT_FALSE(opInfo(OpKind::Matmul).isElementwise());
}

int64_t flopsOf(OpKind op, std::vector<TensorType> in, Attributes a = {}) {
  TensorType r = checkAndInferType(op, in, a);
  return opInfo(op).flops(in, a, r);
}

TEST(OpCosts, FlopCounts) {
  EXPECT_EQ(flopsOf(OpKind::Add, {f32({2, 3}), f32({3})}), 6);
  EXPECT_EQ(flopsOf(OpKind::Relu, {f32({0, 3})}), 0);
  // 2*M*N*K*batch = 2*2*5*3*4.
  EXPECT_EQ(flopsOf(OpKind::Matmul, {f32({4, 2, 3}), f32({3, 5})}), 240);
  // 2*8*3*4 + bias 8*3.
  EXPECT_EQ(flopsOf(OpKind::Linear, {f32({8, 4}), f32({3, 4}), f32({3})}), 192 + 24);
  // 2*N*O*Ho*Wo*(C/g)*kH*kW = 2*1*6*3*3*2*3*2.
  EXPECT_EQ(
      flopsOf(OpKind::Conv2d, {f32({1, 4, 10, 9}), f32({6, 2, 3, 2})},
              attrs({{"stride", Ints{2, 3}}, {"dilation", Ints{2, 1}}, {"groups", int64_t(2)}})),
      2 * 6 * 3 * 3 * 2 * 3 * 2);
  EXPECT_EQ(flopsOf(OpKind::Sum, {f32({2, 3, 4})}, attrs({{"axes", Ints{1}}})), 24);
  EXPECT_EQ(flopsOf(OpKind::MaxPool2d, {f32({1, 2, 4, 4})}, attrs({{"kernel", Ints{2, 2}}})),
            8 * 4);
  EXPECT_EQ(flopsOf(OpKind::Reshape, {f32({2, 3})}, attrs({{"shape", Ints{6}}})), 0);
  // Huge shapes saturate instead of overflowing.
  EXPECT_EQ(flopsOf(OpKind::Matmul, {f32({1 << 30, 1 << 30}), f32({1 << 30, 1 << 30})}), INT64_MAX);
}

TEST(OpCosts, BytesCountOperandsAndResult) {
  std::vector<TensorType> in{f32({2, 3}), f64({3})};
  EXPECT_EQ(opBytes(in, f32({2, 3})), 24 + 24 + 24);
  EXPECT_EQ(opBytes({}, b8({5})), 5);
}

} // namespace
} // namespace duet
