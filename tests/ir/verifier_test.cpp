//===- tests/ir/verifier_test.cpp - each invariant the verifier checks ------===//
#include "ir/error.h"
#include "ir/graph.h"
#include "ir/parser.h"
#include "ir/verifier.h"

#include <gtest/gtest.h>

namespace duet {
namespace {

using Problems = std::vector<std::string>;

TensorType f32(Shape s) { return {DType::F32, std::move(s)}; }

TEST(Verifier, AcceptsAWellFormedGraph) {
  Graph g("ok");
  Node *x = g.addInput("x", f32({2, 3}));
  Node *b = g.addParam("b", f32({3}));
  Node *s = g.addChecked(OpKind::Add, {x, b});
  Node *r = g.addChecked(OpKind::Relu, {s}, {}, "r");
  Attributes c;
  c.set("value", std::vector<double>{2.0});
  Node *k = g.addNode(OpKind::Constant, {}, c, f32({}));
  Node *m = g.addChecked(OpKind::Mul, {r, k});
  m->setBackend(Backend::Torch);
  m->setRegion(0);
  g.setOutputs({m, s});
  EXPECT_EQ(verifyGraph(g), Problems{});
  EXPECT_NO_THROW(verifyOrThrow(g));
}

TEST(Verifier, WrongResultType) {
  Graph g;
  Node *x = g.addInput("x", f32({2}));
  g.addOutput(g.addNode(OpKind::Relu, {x}, {}, f32({3})));
  EXPECT_EQ(verifyGraph(g), Problems{"%0 (relu): type f32[3] does not match inferred f32[2]"});
}

TEST(Verifier, BadArityAndAttributes) {
  Graph g;
  Node *x = g.addInput("x", f32({2}));
  g.addNode(OpKind::Add, {x}, {}, f32({2}));
  Attributes a;
  a.set("axis", int64_t(0));
  g.addNode(OpKind::Sum, {x}, a, f32({}));
  EXPECT_EQ(verifyGraph(g),
            (Problems{"%0 (add): add: expected 2 operands, got 1",
                      "%1 (sum): sum: unknown attribute 'axis' (known: axes, keepdim)"}));
}

TEST(Verifier, OperandsMustBeDefinedEarlier) {
  Graph g;
  Node *x = g.addInput("x", f32({2}));
  Node *a = g.addChecked(OpKind::Neg, {x});
  Node *b = g.addChecked(OpKind::Exp, {a});
  g.setInput(a, 0, b); // a <-> b is now a cycle
  g.addOutput(b);
  EXPECT_EQ(verifyGraph(g), Problems{"%0 (neg): operand 0 (%1) is not defined before its use"});
}

TEST(Verifier, UseListsMustMatchOperands) {
  Graph g;
  Node *x = g.addInput("x", f32({2}));
  Node *n = g.addChecked(OpKind::Neg, {x});
  g.addOutput(n);
  // Corrupt the use list behind the Graph API's back.
  auto &users = const_cast<std::vector<Node *> &>(x->users());
  users.push_back(n);
  EXPECT_EQ(
      verifyGraph(g),
      Problems{"%x (input): use list out of sync with the operands of %0 (neg): extra 1 use"});
  users.clear();
  EXPECT_EQ(
      verifyGraph(g),
      Problems{"%x (input): use list out of sync with the operands of %0 (neg): missing 1 use"});
}

TEST(Verifier, OutputsMustBelongToTheGraph) {
  Graph other("other");
  Node *foreign = other.addInput("y", f32({2}));
  Graph g;
  g.addInput("x", f32({2}));
  g.setOutputs({foreign});
  EXPECT_EQ(verifyGraph(g), Problems{"output 0 (%?0) is not a node of the graph"});
}

TEST(Verifier, NamesMustBeUniqueAndValid) {
  Graph g;
  Node *x = g.addInput("x", f32({2}));
  g.addChecked(OpKind::Neg, {x}, {}, "y");
  g.addChecked(OpKind::Exp, {x}, {}, "y");
  g.addChecked(OpKind::Abs, {x}, {}, "17");
  g.addChecked(OpKind::Relu, {x}, {}, "a-b");
  EXPECT_EQ(verifyGraph(g),
            (Problems{"%y (exp): name 'y' is already used by another node",
                      "%17 (abs): invalid name '17' (use [A-Za-z0-9_.], not only digits)",
                      "%a-b (relu): invalid name 'a-b' (use [A-Za-z0-9_.], not only digits)"}));
}

TEST(Verifier, RegionsOnlyOnTorchNodes) {
  Graph g;
  Node *x = g.addInput("x", f32({2}));
  Node *a = g.addChecked(OpKind::Relu, {x});
  a->setBackend(Backend::Pure);
  a->setRegion(0);
  Node *b = g.addChecked(OpKind::Neg, {x});
  b->setRegion(-5);
  EXPECT_EQ(verifyGraph(g),
            (Problems{"%0 (relu): region 0 on a node whose backend is pure (regions are torch "
                      "only, -1 for none)",
                      "%1 (neg): region -5 on a node whose backend is unassigned (regions are "
                      "torch only, -1 for none)"}));
}

TEST(Verifier, SourcesAreCheckedAgainstTheirDeclaration) {
  Graph g;
  Attributes c;
  c.set("value", std::vector<double>{1, 2});
  g.addNode(OpKind::Constant, {}, c, f32({3}));
  g.addNode(OpKind::Input, {}, {}, f32({1}), "stray"); // not in inputs()
  EXPECT_EQ(verifyGraph(g),
            (Problems{"%0 (constant): constant: value has 2 elements; expected 1 or 3 for f32[3]",
                      "%stray (input): is missing from the graph's input list"}));
}

TEST(Verifier, OrThrowListsEveryProblem) {
  Graph g("bad");
  Node *x = g.addInput("x", f32({2}));
  g.addNode(OpKind::Relu, {x}, {}, f32({3}));
  g.addNode(OpKind::Neg, {x}, {}, f32({1}));
  try {
    verifyOrThrow(g);
    FAIL();
  } catch (const Error &e) {
    EXPECT_EQ(std::string(e.what()), "graph 'bad' is malformed:\n"
                                     "  %0 (relu): type f32[3] does not match inferred f32[2]\n"
                                     "  %1 (neg): type f32[1] does not match inferred f32[2]");
  }
}

TEST(Verifier, ParsedExamplesStayValidAfterCloning) {
  auto g = parseGraphFile(DUET_SOURCE_DIR "/examples/transformer_block.duet");
  auto copy = g->clone();
  EXPECT_EQ(verifyGraph(*copy), Problems{});
}

} // namespace
} // namespace duet
