//===- tests/frontend/all_ops_test.cpp - every op function records --------===//
//
// Each frontend function with non-default attributes: the registry accepts
// the attribute names and kinds it writes, and the inferred shape is the
// hand-computed one.
//
#include "frontend/frontend.h"

#include <gtest/gtest.h>

using namespace duet;

namespace {

TEST(AllOps, RecordWithExpectedOpAndShape) {
  GraphBuilder b("all");
  Tensor x = b.input("x", DType::F32, {2, 3, 8, 8});
  Tensor m = b.input("m", DType::F32, {4, 6});
  Tensor v = b.input("v", DType::F32, {6});
  Tensor c = b.input("c", DType::F32, {3});
  Tensor idx = b.input("idx", DType::I64, {4, 2});
  Tensor tgt = b.input("tgt", DType::I64, {4});

  struct Case {
    Tensor t;
    OpKind op;
    Shape shape;
  };
  std::vector<Case> cases = {
      {neg(m), OpKind::Neg, {4, 6}},
      {exp(m), OpKind::Exp, {4, 6}},
      {log(m), OpKind::Log, {4, 6}},
      {sqrt(m), OpKind::Sqrt, {4, 6}},
      {rsqrt(m), OpKind::Rsqrt, {4, 6}},
      {tanh(m), OpKind::Tanh, {4, 6}},
      {sigmoid(m), OpKind::Sigmoid, {4, 6}},
      {gelu(m), OpKind::Gelu, {4, 6}},
      {leaky_relu(m, 0.1), OpKind::LeakyRelu, {4, 6}},
      {clamp(m, -1.0, 1.0), OpKind::Clamp, {4, 6}},
      {pow(m, 2.0), OpKind::Pow, {4, 6}},
      {maximum(m, v), OpKind::Maximum, {4, 6}},
      {minimum(0.0, m), OpKind::Minimum, {4, 6}},
      {eq(m, v), OpKind::Eq, {4, 6}},
      {ne(m, 1.0), OpKind::Ne, {4, 6}},
      {m <= v, OpKind::Le, {4, 6}},
      {m >= 0.0, OpKind::Ge, {4, 6}},
      {where(m < v, m, v), OpKind::Where, {4, 6}},
      {m / 3.0, OpKind::Div, {4, 6}},
      {linear(m, b.param("lw", DType::F32, {5, 6})), OpKind::Linear, {4, 5}},
      {min(m, {0}, true), OpKind::Min, {1, 6}},
      {log_softmax(m, 0), OpKind::LogSoftmax, {4, 6}},
      {view(m, {3, 8}), OpKind::View, {3, 8}},
      {permute(x, {0, 2, 3, 1}), OpKind::Permute, {2, 8, 8, 3}},
      {broadcast_to(v, {5, 6}), OpKind::BroadcastTo, {5, 6}},
      {expand(reshape(c, {3, 1}), {-1, 4}), OpKind::Expand, {3, 4}},
      {conv2d(x, b.param("cw", DType::F32, {6, 1, 3, 3}), b.param("cb", DType::F32, {6}),
              {.stride = {2, 2}, .padding = {1, 1}, .dilation = {1, 1}, .groups = 3}),
       OpKind::Conv2d,
       {2, 6, 4, 4}},
      {max_pool2d(x, {3, 3}, {.stride = {2, 2}, .padding = {1, 1}, .ceilMode = true}),
       OpKind::MaxPool2d,
       {2, 3, 5, 5}},
      {avg_pool2d(x, {2, 2}, {.countIncludePad = false}), OpKind::AvgPool2d, {2, 3, 4, 4}},
      {adaptive_avg_pool2d(x, {1, 1}), OpKind::AdaptiveAvgPool2d, {2, 3, 1, 1}},
      {batch_norm(x, c, c, c, c, 1e-3), OpKind::BatchNorm, {2, 3, 8, 8}},
      {layer_norm(m, v, v), OpKind::LayerNorm, {4, 6}},
      {embedding(idx, m), OpKind::Embedding, {4, 2, 6}},
      {gather(m, idx, 1), OpKind::Gather, {4, 2}},
      {mse_loss(m, m), OpKind::MseLoss, {}},
      {cross_entropy(m, tgt), OpKind::CrossEntropy, {}},
  };
  for (const Case &k : cases) {
    EXPECT_EQ(k.t.node()->op(), k.op) << opName(k.op);
    EXPECT_EQ(k.t.shape(), k.shape) << opName(k.op);
  }
  // Non-default attributes are recorded under the names of docs/ops.md.
  const Attributes &pool = cases[27].t.node()->attrs();
  EXPECT_TRUE(pool.getBool("ceil_mode", false));
  EXPECT_EQ(pool.getInts("stride"), (std::vector<int64_t>{2, 2}));
  EXPECT_FALSE(cases[28].t.node()->attrs().getBool("count_include_pad", true));
  EXPECT_EQ(cases[26].t.node()->attrs().getInt("groups"), 3);
  EXPECT_DOUBLE_EQ(cases[30].t.node()->attrs().getFloat("eps"), 1e-3);
}

} // namespace
