//===- tests/pure/unary_test.cpp - unary ops, cast, constant --------------===//

#include "pure_test_util.h"

#include <limits>

namespace duet {
namespace {

using namespace duet::test;
const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();
const float kNaNf = std::numeric_limits<float>::quiet_NaN();

TEST(PureUnary, NegAbs) {
  expectValues(runOp(OpKind::Neg, {f32({3}, {1, -2, 0})}), DType::F32, {3}, {-1, 2, 0});
  expectValues(runOp(OpKind::Abs, {f64({3}, {-1.5, 2, -0.0})}), DType::F64, {3}, {1.5, 2, 0});
  const int64_t lo = std::numeric_limits<int64_t>::min();
  // i64 wraps like torch: -INT64_MIN == INT64_MIN.
  expectValues(runOp(OpKind::Neg, {i64({3}, {3, -4, lo})}), DType::I64, {3}, {-3, 4, double(lo)},
               0);
  expectValues(runOp(OpKind::Abs, {i64({2}, {-7, 7})}), DType::I64, {2}, {7, 7}, 0);
}

TEST(PureUnary, Transcendentals) {
  const double e = std::exp(1.0);
  expectValues(runOp(OpKind::Exp, {f64({3}, {0, 1, -1})}), DType::F64, {3}, {1, e, 1 / e}, 1e-12);
  expectValues(runOp(OpKind::Log, {f32({4}, {1, float(e), 0, -1})}), DType::F32, {4},
               {0, 1, -kInf, kNaN});
  expectValues(runOp(OpKind::Sqrt, {f32({3}, {4, 2, -1})}), DType::F32, {3},
               {2, 1.4142135623730951, kNaN});
  expectValues(runOp(OpKind::Rsqrt, {f64({3}, {4, 0.25, 0})}), DType::F64, {3}, {0.5, 2, kInf});
  expectValues(runOp(OpKind::Tanh, {f64({3}, {0, 0.5, -20})}), DType::F64, {3},
               {0, 0.46211715726000974, -1}, 1e-12);
  expectValues(runOp(OpKind::Sigmoid, {f32({3}, {0, 2, -2})}), DType::F32, {3},
               {0.5, 0.8807970779778823, 0.11920292202211755});
}

TEST(PureUnary, ReluGeluLeaky) {
  expectValues(runOp(OpKind::Relu, {f32({4}, {-1, 0, 2, kNaNf})}), DType::F32, {4},
               {0, 0, 2, kNaN});
  expectValues(runOp(OpKind::Relu, {i64({2}, {-3, 5})}), DType::I64, {2}, {0, 5}, 0);
  // Exact gelu: 0.5 x (1 + erf(x / sqrt 2)).
  expectValues(runOp(OpKind::Gelu, {f64({4}, {0, 1, -1, 2})}), DType::F64, {4},
               {0, 0.8413447460685429, -0.15865525393145707, 1.9544997361036416}, 1e-12);
  expectValues(runOp(OpKind::LeakyRelu, {f32({2}, {-2, 3})}, attrs({{"slope", 0.1}})), DType::F32,
               {2}, {-0.2, 3});
  expectValues(runOp(OpKind::LeakyRelu, {f32({1}, {-100})}), DType::F32, {1}, {-1}); // 0.01
}

TEST(PureUnary, Clamp) {
  Buffer x = f32({4}, {-2, 0.5, 3, kNaNf});
  expectValues(runOp(OpKind::Clamp, {x}, attrs({{"min", -1.0}, {"max", 1.0}})), DType::F32, {4},
               {-1, 0.5, 1, kNaN});
  expectValues(runOp(OpKind::Clamp, {x}, attrs({{"min", 0.0}})), DType::F32, {4},
               {0, 0.5, 3, kNaN});
  expectValues(runOp(OpKind::Clamp, {x}, attrs({{"max", 0.0}})), DType::F32, {4}, {-2, 0, 0, kNaN});
  // min > max: everything becomes max (torch).
  expectValues(runOp(OpKind::Clamp, {f64({2}, {-5, 5})}, attrs({{"min", 2.0}, {"max", 1.0}})),
               DType::F64, {2}, {1, 1});
  // i64 result: same as clamping in float and truncating.
  expectValues(runOp(OpKind::Clamp, {i64({3}, {-5, 0, 7})}, attrs({{"min", -1.5}, {"max", 2.5}})),
               DType::I64, {3}, {-1, 0, 2}, 0);
}

TEST(PureUnary, CastRules) {
  expectValues(
      runOp(OpKind::Cast, {f32({3}, {1.7f, -1.7f, 0})}, attrs({{"dtype", std::string("i64")}})),
      DType::I64, {3}, {1, -1, 0}, 0);
  Buffer b = runOp(OpKind::Cast, {f64({3}, {0, 0.5, -2})}, attrs({{"dtype", std::string("bool")}}));
  expectValues(b, DType::Bool, {3}, {0, 1, 1}, 0);
  expectValues(
      runOp(OpKind::Cast, {boolean({2}, {true, false})}, attrs({{"dtype", std::string("f32")}})),
      DType::F32, {2}, {1, 0}, 0);
  expectValues(runOp(OpKind::Cast, {i64({2}, {3, -9})}, attrs({{"dtype", std::string("f64")}})),
               DType::F64, {2}, {3, -9}, 0);
  expectValues(runOp(OpKind::Cast, {f64({1}, {2.25})}, attrs({{"dtype", std::string("f32")}})),
               DType::F32, {1}, {2.25}, 0);
  // NaN has no integer value; like x86 and torch we give INT64_MIN (no UB).
  expectValues(runOp(OpKind::Cast, {f32({1}, {kNaNf})}, attrs({{"dtype", std::string("i64")}})),
               DType::I64, {1}, {double(std::numeric_limits<int64_t>::min())}, 0);
}

TEST(PureSource, ConstantSplatAndList) {
  Graph g;
  Node *splat =
      g.addNode(OpKind::Constant, {}, attrs({{"value", Floats{3.5}}}), {DType::F32, {2, 2}});
  expectValues(evalPureNode(*splat, {}), DType::F32, {2, 2}, {3.5, 3.5, 3.5, 3.5}, 0);
  Node *list =
      g.addNode(OpKind::Constant, {}, attrs({{"value", Floats{1, 2, 3}}}), {DType::I64, {3}});
  expectValues(evalPureNode(*list, {}), DType::I64, {3}, {1, 2, 3}, 0);
  Node *flag = g.addNode(OpKind::Constant, {}, attrs({{"value", Floats{2}}}), {DType::Bool, {}});
  expectValues(evalPureNode(*flag, {}), DType::Bool, {}, {1}, 0);
  Node *bad = g.addNode(OpKind::Constant, {}, attrs({{"value", Floats{1, 2}}}), {DType::F32, {3}});
  EXPECT_THROW(evalPureNode(*bad, {}), Error);
}

TEST(PureSource, ConversionsCopy) {
  Buffer x = f64({2}, {1.5, -2});
  Buffer y = runOp(OpKind::ToTorch, {x});
  expectValues(y, DType::F64, {2}, {1.5, -2}, 0);
  EXPECT_NE(y.raw(), x.raw());
  expectValues(runOp(OpKind::FromTorch, {x}), DType::F64, {2}, {1.5, -2}, 0);
}

} // namespace
} // namespace duet
