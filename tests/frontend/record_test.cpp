//===- tests/frontend/record_test.cpp - ops record, never compute ---------===//
#include "frontend/frontend.h"

#include <gtest/gtest.h>

using namespace duet;

namespace {

/// The message of the duet::Error `f` throws ("" if none).
template <class F> std::string errorOf(F &&f) {
  try {
    f();
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

TEST(Record, OpsAppendNodesWithoutComputing) {
  TraceScope scope;
  Tensor a = fromVector<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor b = ones({3, 4});
  size_t before = defaultContext()->graph().size();
  Tensor c = relu(matmul(a, b) * 2.0 - 1.0);
  // matmul, constant, mul, constant, sub, relu.
  EXPECT_EQ(defaultContext()->graph().size(), before + 6);
  EXPECT_EQ(c.node()->op(), OpKind::Relu);
  EXPECT_EQ(c.node()->graph(), &defaultContext()->graph());
  EXPECT_FALSE(c.hasValue());
  EXPECT_TRUE(a.hasValue()); // leaves hold their data
}

TEST(Record, ShapesAreKnownAtRecordTime) {
  GraphBuilder b("shapes");
  Tensor x = b.input("x", DType::F32, {8, 3, 32, 32});
  Tensor w = b.param("w", DType::F32, {16, 3, 3, 3});
  Tensor y = conv2d(x, w, Tensor(), {.stride = {2, 2}, .padding = {1, 1}});
  EXPECT_EQ(y.shape(), (Shape{8, 16, 16, 16}));
  Tensor p = max_pool2d(y, {2, 2});
  EXPECT_EQ(p.shape(), (Shape{8, 16, 8, 8}));
  Tensor s = sum(p, {2, 3}, /*keepdim=*/true);
  EXPECT_EQ(s.shape(), (Shape{8, 16, 1, 1}));
  Tensor r = reshape(s, {8, -1});
  EXPECT_EQ(r.shape(), (Shape{8, 16}));
  EXPECT_EQ(argmax(r, 1).dtype(), DType::I64);
  EXPECT_EQ(argmax(r, 1).shape(), (Shape{8}));
  EXPECT_EQ((r > 0.0).dtype(), DType::Bool);
  EXPECT_EQ(transpose(r, 0, 1).shape(), (Shape{16, 8}));
  EXPECT_EQ(concat({r, r}, 1).shape(), (Shape{8, 32}));
  EXPECT_EQ(slice(r, 1, 2, 10, 3).shape(), (Shape{8, 3}));
  EXPECT_EQ(cast(r, DType::F64).dtype(), DType::F64);
  EXPECT_EQ(mean(r).shape(), Shape{});
  EXPECT_EQ(r.size(-1), 16);
}

TEST(Record, ShapeErrorNamesOpAndBothShapes) {
  GraphBuilder b("bad");
  Tensor x = b.input("x", DType::F32, {2, 3});
  Tensor w = b.param("w", DType::F32, {4, 5});
  size_t before = b.trace().size();
  std::string msg = errorOf([&] { matmul(x, w); });
  EXPECT_NE(msg.find("matmul"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[2,3]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[4,5]"), std::string::npos) << msg;
  EXPECT_EQ(b.trace().size(), before); // nothing recorded

  msg = errorOf([&] { add(x, b.input("y", DType::F32, {4})); });
  EXPECT_NE(msg.find("add"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[2,3]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[4]"), std::string::npos) << msg;
}

TEST(Record, ScalarsBecomeConstantsOfTheTensorDType) {
  GraphBuilder b("scalars");
  Tensor x = b.input("x", DType::F64, {3});
  Tensor y = 2.0 - x;
  ASSERT_EQ(y.node()->op(), OpKind::Sub);
  const Node *c = y.node()->input(0);
  EXPECT_EQ(c->op(), OpKind::Constant);
  EXPECT_EQ(c->type(), (TensorType{DType::F64, {}}));
  EXPECT_EQ(c->attrs().getFloats("value"), std::vector<double>{2.0});
  EXPECT_EQ(y.dtype(), DType::F64);
}

TEST(Record, AttributesFollowOpsDoc) {
  GraphBuilder b("attrs");
  Tensor x = b.input("x", DType::F32, {2, 5});
  EXPECT_DOUBLE_EQ(leaky_relu(x, 0.2).node()->attrs().getFloat("slope"), 0.2);
  Tensor c = clamp(x, -1.0, std::nullopt);
  EXPECT_DOUBLE_EQ(c.node()->attrs().getFloat("min"), -1.0);
  EXPECT_FALSE(c.node()->attrs().has("max"));
  EXPECT_EQ(softmax(x, 0).node()->attrs().getInt("axis"), 0);
  EXPECT_EQ(permute(x, {1, 0}).node()->attrs().getInts("dims"), (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(cast(x, DType::I64).node()->attrs().getString("dtype"), "i64");
}

TEST(Record, MixingBuildersIsAnError) {
  GraphBuilder a("a"), b("b");
  Tensor x = a.input("x", DType::F32, {2});
  Tensor y = b.input("y", DType::F32, {2});
  std::string msg = errorOf([&] { x + y; });
  EXPECT_NE(msg.find("graph builder 'a'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("graph builder 'b'"), std::string::npos) << msg;
  msg = errorOf([&] { x + ones({2}); });
  EXPECT_NE(msg.find("cannot mix"), std::string::npos) << msg;
}

TEST(Record, BuilderTensorsHaveNoValue) {
  GraphBuilder b("sym");
  Tensor x = b.input("x", DType::F32, {2});
  std::string msg = errorOf([&] { (x * 2.0).data(); });
  EXPECT_NE(msg.find("Program"), std::string::npos) << msg;
  EXPECT_NE(errorOf([&] { b.input("x", DType::F32, {3}); }).find("already used"),
            std::string::npos);
}

TEST(Record, UndefinedTensorIsAnError) {
  Tensor none;
  EXPECT_FALSE(none.defined());
  EXPECT_NE(errorOf([&] { relu(none); }).find("relu"), std::string::npos);
  EXPECT_NE(errorOf([&] { none.shape(); }).find("undefined"), std::string::npos);
}

} // namespace
