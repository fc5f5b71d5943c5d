//===- tests/pure/norm_index_loss_test.cpp - norms, indexing, losses ------===//

#include "pure_test_util.h"

namespace duet {
namespace {

using namespace duet::test;

TEST(PureBatchNorm, PerChannelAffine) {
  Buffer x = f32({1, 2, 2}, {1, 2, 3, 4});
  Buffer mean = f32({2}, {1, 2}), var = f32({2}, {4, 1}), w = f32({2}, {2, 1}),
         b = f32({2}, {0, 10});
  expectValues(runOp(OpKind::BatchNorm, {x, mean, var, w, b}, attrs({{"eps", 0.0}})), DType::F32,
               {1, 2, 2}, {0, 1, 11, 12}, 1e-7);
  // Default eps = 1e-5: (x - mean) / sqrt(var + 1e-5).
  Buffer x2 = f64({2, 2}, {3, 2, -1, 4}); // [N, C] with no spatial dims
  Buffer m2 = f64({2}, {1, 0}), v2 = f64({2}, {4, 1}), w2 = f64({2}, {1, 1}), b2 = f64({2}, {0, 0});
  expectValues(runOp(OpKind::BatchNorm, {x2, m2, v2, w2, b2}), DType::F64, {2, 2},
               {2 / std::sqrt(4 + 1e-5), 2 / std::sqrt(1 + 1e-5), -2 / std::sqrt(4 + 1e-5),
                4 / std::sqrt(1 + 1e-5)},
               1e-12);
}

TEST(PureLayerNorm, LastDimsHandChecked) {
  Buffer x = f64({2, 3}, {1, 2, 3, 2, 4, 6});
  const double z = std::sqrt(1.5); // (x - mean) / std for both rows
  expectValues(runOp(OpKind::LayerNorm, {x, f64({3}, {1, 1, 1}), f64({3}, {0, 0, 0})},
                     attrs({{"eps", 0.0}})),
               DType::F64, {2, 3}, {-z, 0, z, -z, 0, z}, 1e-12);
  expectValues(runOp(OpKind::LayerNorm, {x, f64({3}, {1, 2, 3}), f64({3}, {1, 0, -1})},
                     attrs({{"eps", 0.0}})),
               DType::F64, {2, 3}, {1 - z, 0, 3 * z - 1, 1 - z, 0, 3 * z - 1}, 1e-12);
  // Two normalized dims: statistics over all 4 values [0, 2, 4, 6] (var 5).
  Buffer y = runOp(OpKind::LayerNorm, {f32({1, 2, 2}, {0, 2, 4, 6}), f32({2, 2}, {1, 1, 1, 1}),
                                       f32({2, 2}, {0, 0, 0, 0})});
  const double s = std::sqrt(5 + 1e-5);
  expectValues(y, DType::F32, {1, 2, 2}, {-3 / s, -1 / s, 1 / s, 3 / s}, 1e-6);
}

TEST(PureEmbedding, LooksUpRows) {
  Buffer w = f32({3, 2}, {0, 1, 10, 11, 20, 21});
  expectValues(runOp(OpKind::Embedding, {i64({2, 2}, {2, 0, 1, 2}), w}), DType::F32, {2, 2, 2},
               {20, 21, 0, 1, 10, 11, 20, 21}, 0);
  expectValues(runOp(OpKind::Embedding, {i64({}, {1}), w}), DType::F32, {2}, {10, 11}, 0);
}

TEST(PureEmbedding, OutOfRangeIndexNamesNodeAndIndex) {
  Buffer w = f32({3, 2}, {0, 1, 10, 11, 20, 21});
  for (int64_t bad : {int64_t(3), int64_t(-1)}) {
    OneOp op;
    try {
      op.run(OpKind::Embedding, {i64({3}, {0, bad, 1}), w});
      FAIL() << "expected an error for index " << bad;
    } catch (const Error &e) {
      std::string msg = e.what();
      EXPECT_NE(msg.find("embedding %0"), std::string::npos) << msg;
      EXPECT_NE(msg.find("index " + std::to_string(bad)), std::string::npos) << msg;
      EXPECT_NE(msg.find("[0, 3)"), std::string::npos) << msg;
      EXPECT_NE(msg.find("position 1"), std::string::npos) << msg;
    }
  }
}

TEST(PureGather, TorchSemantics) {
  Buffer x = f32({2, 2}, {1, 2, 3, 4});
  expectValues(runOp(OpKind::Gather, {x, i64({2, 2}, {0, 0, 1, 0})}, attrs({{"axis", int64_t(1)}})),
               DType::F32, {2, 2}, {1, 1, 4, 3}, 0);
  expectValues(runOp(OpKind::Gather, {x, i64({2, 2}, {0, 1, 1, 0})}), DType::F32, {2, 2},
               {1, 4, 3, 2}, 0);
  // The index may be smaller than x in the other dims.
  Buffer y = i64({3, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8});
  expectValues(runOp(OpKind::Gather, {y, i64({2, 1}, {2, 0})}, attrs({{"axis", int64_t(0)}})),
               DType::I64, {2, 1}, {6, 0}, 0);
  expectValues(runOp(OpKind::Gather, {y, i64({1, 2}, {2, 2})}, attrs({{"axis", int64_t(-1)}})),
               DType::I64, {1, 2}, {2, 2}, 0);
  OneOp op;
  try {
    op.run(OpKind::Gather, {x, i64({2, 2}, {0, 2, 0, 0})}, attrs({{"axis", int64_t(1)}}));
    FAIL() << "expected an error";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("gather"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("index 2"), std::string::npos) << e.what();
  }
}

TEST(PureLoss, MseLoss) {
  expectValues(runOp(OpKind::MseLoss, {f32({3}, {1, 2, 3}), f32({3}, {1, 0, 0})}), DType::F32, {},
               {13.0 / 3}, 1e-7);
  expectValues(runOp(OpKind::MseLoss, {f64({2, 2}, {1, 1, 1, 1}), f64({2, 2}, {0, 2, 3, 1})}),
               DType::F64, {}, {1.5}, 1e-12);
}

TEST(PureLoss, CrossEntropy) {
  Buffer logits = f64({2, 3}, {1, 2, 3, 1, 1, 1});
  double lse0 = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
  double want = ((lse0 - 3) + std::log(3.0)) / 2;
  expectValues(runOp(OpKind::CrossEntropy, {logits, i64({2}, {2, 0})}), DType::F64, {}, {want},
               1e-12);
  // Stable for large logits: loss of the argmax class is ~0.
  expectValues(runOp(OpKind::CrossEntropy, {f32({1, 2}, {1000, 0}), i64({1}, {0})}), DType::F32, {},
               {0}, 1e-6);
  EXPECT_THROW(runOp(OpKind::CrossEntropy, {logits, i64({2}, {3, 0})}), Error);
}

} // namespace
} // namespace duet
