//===- tests/pure/interpreter_test.cpp - dispatch and operand checks ------===//

#include "pure_test_util.h"

#include <functional>
#include <set>

namespace duet {
namespace {

using namespace duet::test;

std::string errorOf(const std::function<void()> &f) {
  try {
    f();
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

TEST(PureInterpreter, RejectsMismatchedBuffers) {
  Graph g;
  Node *a = g.addInput("a", {DType::F32, {2}});
  Node *b = g.addInput("b", {DType::F32, {2}});
  Node *sum = g.addChecked(OpKind::Add, {a, b}, {}, "s");
  Buffer two = f32({2}, {1, 2});
  std::string msg = errorOf([&] { evalPureNode(*sum, std::vector<Buffer>{two}); });
  EXPECT_NE(msg.find("add %s"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expects 2 operand buffers"), std::string::npos) << msg;
  msg = errorOf([&] { evalPureNode(*sum, std::vector<Buffer>{two, f32({3}, {1, 2, 3})}); });
  EXPECT_NE(msg.find("f32[3]"), std::string::npos) << msg;
  msg = errorOf([&] { evalPureNode(*sum, std::vector<Buffer>{two, f64({2}, {1, 2})}); });
  EXPECT_NE(msg.find("f64[2]"), std::string::npos) << msg;
  Buffer wrongOut = Buffer::allocate(DType::F32, {3});
  msg = errorOf([&] { runPureNode(*sum, std::vector<Buffer>{two, two}, wrongOut); });
  EXPECT_NE(msg.find("output buffer"), std::string::npos) << msg;
  // runPureNode into a correct, reused buffer overwrites it.
  Buffer out = Buffer::full({DType::F32, {2}}, 99);
  runPureNode(*sum, std::vector<Buffer>{two, two}, out);
  expectValues(out, DType::F32, {2}, {2, 4}, 0);
}

TEST(PureInterpreter, SourcesAndUnsupportedDTypes) {
  Graph g;
  Node *x = g.addInput("x", {DType::I64, {2}});
  EXPECT_THROW(evalPureNode(*x, {}), Error);
  // A node whose type was never checked: exp of i64 has no kernel.
  Node *e = g.addNode(OpKind::Exp, {x}, {}, {DType::I64, {2}});
  std::string msg = errorOf([&] { evalPureNode(*e, std::vector<Buffer>{i64({2}, {1, 2})}); });
  EXPECT_NE(msg.find("exp %0"), std::string::npos) << msg;
  EXPECT_NE(msg.find("dtype i64"), std::string::npos) << msg;
}

TEST(PureInterpreter, SupportsEveryOpAndEveryOpIsTested) {
  // Ops with pure tests in this folder; an op added to ops.def without
  // a kernel test makes this fail.
  const std::set<std::string_view> tested = {"input",      "param",        "constant",
                                             "neg",        "abs",          "exp",
                                             "log",        "sqrt",         "rsqrt",
                                             "tanh",       "sigmoid",      "relu",
                                             "gelu",       "leaky_relu",   "clamp",
                                             "cast",       "add",          "sub",
                                             "mul",        "div",          "pow",
                                             "maximum",    "minimum",      "eq",
                                             "ne",         "lt",           "le",
                                             "gt",         "ge",           "where",
                                             "matmul",     "linear",       "sum",
                                             "mean",       "max",          "min",
                                             "argmax",     "softmax",      "log_softmax",
                                             "reshape",    "view",         "transpose",
                                             "permute",    "broadcast_to", "expand",
                                             "concat",     "slice",        "conv2d",
                                             "max_pool2d", "avg_pool2d",   "adaptive_avg_pool2d",
                                             "batch_norm", "layer_norm",   "embedding",
                                             "gather",     "mse_loss",     "cross_entropy",
                                             "to_torch",   "from_torch",
                                             // grad_kernels_test.cpp
                                             "gelu_grad", "conv2d_grad_input",
                                             "conv2d_grad_weight", "max_pool2d_grad",
                                             "avg_pool2d_grad", "adaptive_avg_pool2d_grad",
                                             "scatter_add",
                                             // fused_test.cpp
                                             "fused_elementwise",
                                             // all_reduce_test.cpp
                                             "all_reduce"};
  Graph g;
  Node *x = g.addInput("x", {DType::F32, {1}});
  for (const OpInfo &info : allOps()) {
    EXPECT_TRUE(tested.count(info.name)) << info.name << " has no pure test";
    Node *n = g.addNode(info.kind, {}, {}, {DType::F32, {1}});
    EXPECT_TRUE(pureSupports(*n)) << info.name;
  }
  (void)x;
}

} // namespace
} // namespace duet
