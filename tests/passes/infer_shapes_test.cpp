//===- tests/passes/infer_shapes_test.cpp - stale and bad types ------------===//
//
// The parser rejects wrong types, so graphs with stale types are built here
// with Graph::addNode, which does no checking.
//
#include "ir/error.h"
#include "ir/graph.h"
#include "ir/verifier.h"
#include "passes/infer_shapes.h"

#include <gtest/gtest.h>

namespace duet {
namespace {

TensorType t(DType d, Shape s) { return {d, std::move(s)}; }

TEST(InferShapes, FixesStaleTypesInOrder) {
  Graph g("f");
  Node *x = g.addInput("x", t(DType::F32, {2, 3}));
  Node *w = g.addParam("w", t(DType::F32, {3, 4}));
  // Every type below is wrong; each depends on the one before it.
  Node *mm = g.addNode(OpKind::Matmul, {x, w}, {}, t(DType::F32, {1}));
  Node *r = g.addNode(OpKind::Relu, {mm}, {}, t(DType::F32, {7}));
  Attributes castTo;
  castTo.set("dtype", std::string("f64"));
  Node *c = g.addNode(OpKind::Cast, {r}, castTo, t(DType::F32, {2, 4}));
  Attributes axes;
  axes.set("axes", std::vector<int64_t>{1});
  Node *s = g.addNode(OpKind::Sum, {c}, axes, t(DType::F64, {2, 4}));
  g.addOutput(s);
  ASSERT_FALSE(verifyGraph(g).empty());

  InferShapesPass pass;
  EXPECT_TRUE(pass.run(g));
  EXPECT_EQ(mm->type(), t(DType::F32, {2, 4}));
  EXPECT_EQ(r->type(), t(DType::F32, {2, 4}));
  EXPECT_EQ(c->type(), t(DType::F64, {2, 4}));
  EXPECT_EQ(s->type(), t(DType::F64, {2}));
  EXPECT_TRUE(verifyGraph(g).empty());
  // Now everything is right: a second run changes nothing.
  EXPECT_FALSE(pass.run(g));
}

TEST(InferShapes, LeavesSourcesAlone) {
  Graph g("f");
  Node *x = g.addInput("x", t(DType::I64, {5}));
  Attributes v;
  v.set("value", std::vector<double>{1.0});
  Node *k = g.addNode(OpKind::Constant, {}, v, t(DType::I64, {5}));
  Node *a = g.addNode(OpKind::Add, {x, k}, {}, t(DType::I64, {5}));
  g.addOutput(a);
  InferShapesPass pass;
  EXPECT_FALSE(pass.run(g));
  EXPECT_EQ(x->type(), t(DType::I64, {5}));
  EXPECT_EQ(k->type(), t(DType::I64, {5}));
}

TEST(InferShapes, ErrorNamesTheNodeAsPrinted) {
  Graph g("f");
  Node *x = g.addInput("x", t(DType::F32, {2, 3}));
  Node *y = g.addInput("y", t(DType::F32, {2, 3}));
  g.addNode(OpKind::Relu, {x}, {}, t(DType::F32, {2, 3}));                  // %0
  Node *bad = g.addNode(OpKind::Matmul, {x, y}, {}, t(DType::F32, {2, 3})); // %1
  g.addOutput(bad);
  InferShapesPass pass;
  try {
    pass.run(g);
    FAIL() << "expected an error for matmul [2,3] x [2,3]";
  } catch (const Error &e) {
    std::string msg = e.what();
    EXPECT_EQ(msg.rfind("%1 (matmul): ", 0), 0u) << msg;
    EXPECT_EQ(msg.find("matmul: matmul"), std::string::npos) << msg; // no doubled prefix
    EXPECT_NE(msg.find("[2,3]"), std::string::npos) << msg;          // shapes named
  }
  // A named node is named by its name.
  bad->setName("scores");
  try {
    pass.run(g);
    FAIL();
  } catch (const Error &e) {
    EXPECT_EQ(std::string(e.what()).rfind("%scores (matmul): ", 0), 0u) << e.what();
  }
}

TEST(InferShapes, AttributeErrorsAreReported) {
  Graph g("f");
  Node *x = g.addInput("x", t(DType::F32, {2, 3}));
  Attributes a;
  a.set("dim0", int64_t{0});
  a.set("dim1", int64_t{5});
  Node *tr = g.addNode(OpKind::Transpose, {x}, a, t(DType::F32, {3, 2}));
  g.addOutput(tr);
  InferShapesPass pass;
  EXPECT_THROW(pass.run(g), Error);
}

} // namespace
} // namespace duet
