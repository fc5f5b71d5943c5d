//===- tests/ir/text_form_test.cpp - printer and parser round trips ---------===//
#include "ir/error.h"
#include "ir/graph.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace duet {
namespace {

std::string readFile(const std::filesystem::path &p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void expectRoundTrip(const std::string &text) {
  auto g = parseGraph(text);
  EXPECT_EQ(printGraph(*g), text);
  // And once more from the printed form.
  auto again = parseGraph(printGraph(*g));
  EXPECT_EQ(printGraph(*again), text);
}

TEST(TextForm, EveryExampleFileRoundTripsAndVerifies) {
  int count = 0;
  for (const auto &entry : std::filesystem::directory_iterator(DUET_SOURCE_DIR "/examples")) {
    if (entry.path().extension() != ".duet")
      continue;
    SCOPED_TRACE(entry.path().string());
    std::string text = readFile(entry.path());
    auto g = parseGraphFile(entry.path().string());
    EXPECT_TRUE(verifyGraph(*g).empty());
    EXPECT_EQ(printGraph(*g), text);
    ++count;
  }
  EXPECT_GE(count, 3);
}

TEST(TextForm, ExampleModelsHaveTheExpectedInterface) {
  auto mlp = parseGraphFile(DUET_SOURCE_DIR "/examples/mlp.duet");
  ASSERT_EQ(mlp->inputs().size(), 1u);
  EXPECT_EQ(mlp->params().size(), 4u);
  ASSERT_EQ(mlp->outputs().size(), 1u);
  EXPECT_EQ(mlp->outputs()[0]->name(), "logits");
  EXPECT_EQ(mlp->outputs()[0]->type().str(), "f32[32,10]");

  auto cnn = parseGraphFile(DUET_SOURCE_DIR "/examples/cnn.duet");
  EXPECT_EQ(cnn->outputs()[0]->type().str(), "f32[8,10]");

  auto tb = parseGraphFile(DUET_SOURCE_DIR "/examples/transformer_block.duet");
  EXPECT_EQ(tb->outputs()[0]->type().str(), "f32[4,128,256]");
  int matmuls = 0;
  for (Node *n : tb->nodes())
    matmuls += n->op() == OpKind::Matmul || n->op() == OpKind::Linear;
  EXPECT_EQ(matmuls, 8); // q, k, v, scores, context, output, two MLP layers
}

TEST(TextForm, HandWrittenGraphsRoundTrip) {
  expectRoundTrip("graph empty() {\n  return\n}\n");
  expectRoundTrip("graph f(%x: f32[]) {\n  return %x\n}\n");
  expectRoundTrip("graph f(%a: i64[0,3], %b: i64[3]) {\n"
                  "  %0 = add(%a, %b) : i64[0,3]\n"
                  "  %1 = sum(%0) {axes=[-1], keepdim=true} : i64[0,1]\n"
                  "  return %1, %0, %a\n"
                  "}\n");
  expectRoundTrip("graph consts() {\n"
                  "  %0 = constant() {value=[1.0]} : f32[]\n"
                  "  %1 = constant() {value=[0.5,-2.0,1e-07,inf]} : f64[2,2]\n"
                  "  %two = constant() {value=[]} : bool[0]\n"
                  "  %2 = constant() {value=[-inf]} : f32[3]\n"
                  "  return %0, %1, %two, %2\n"
                  "}\n");
  expectRoundTrip("graph attrs(%x: f32[2,3]) {\n"
                  "  %0 = cast(%x) {dtype=\"i64\"} : i64[2,3]\n"
                  "  %1 = clamp(%x) {max=6, min=0.5} : f32[2,3]\n"
                  "  %2 = slice(%x) {axis=1, end=9223372036854775807, start=-2, step=1} : "
                  "f32[2,2]\n"
                  "  return %0, %1, %2\n"
                  "}\n");
  expectRoundTrip("graph annotated(%x: f32[64,64]) params(%w: f32[64,64]) {\n"
                  "  %0 = to_torch(%x) : f32[64,64] @torch:0\n"
                  "  %1 = matmul(%0, %w) : f32[64,64] @torch:0\n"
                  "  %2 = relu(%1) : f32[64,64] @torch\n"
                  "  %3 = from_torch(%2) : f32[64,64] @pure\n"
                  "  %y.out = neg(%3) : f32[64,64]\n"
                  "  return %y.out\n"
                  "}\n");
}

TEST(TextForm, ParserIgnoresLayoutAndComments) {
  auto g = parseGraph("// leading comment\n"
                      "graph   m ( %x :f32[ 2 , 3 ] )params(%b:f32[3]){ // c\n"
                      "%7=add( %x,%b ):f32[2,3]@torch:4 // trailing\n"
                      "%s = sum(%7){ axes = [ 0 ] } : f32[3]\n"
                      "return %s ,%7 }");
  EXPECT_EQ(printGraph(*g), "graph m(%x: f32[2,3]) params(%b: f32[3]) {\n"
                            "  %0 = add(%x, %b) : f32[2,3] @torch:4\n"
                            "  %s = sum(%0) {axes=[0]} : f32[3]\n"
                            "  return %s, %0\n"
                            "}\n");
}

TEST(TextForm, AnonymousValuesAreRenumberedByPosition) {
  auto g = parseGraph("graph f(%x: f32[2]) {\n"
                      "  %10 = neg(%x) : f32[2]\n"
                      "  %named = exp(%10) : f32[2]\n"
                      "  %3 = abs(%named) : f32[2]\n"
                      "  return %3\n"
                      "}\n");
  EXPECT_EQ(g->nodes()[1]->name(), "");
  EXPECT_EQ(g->nodes()[2]->name(), "named");
  EXPECT_EQ(printGraph(*g), "graph f(%x: f32[2]) {\n"
                            "  %0 = neg(%x) : f32[2]\n"
                            "  %named = exp(%0) : f32[2]\n"
                            "  %1 = abs(%named) : f32[2]\n"
                            "  return %1\n"
                            "}\n");
}

TEST(TextForm, PrinterOptionsAndGraphHelpers) {
  Graph g("opts");
  Node *x = g.addInput("x", {DType::F32, {4}});
  Node *r = g.addChecked(OpKind::Relu, {x});
  r->setBackend(Backend::Torch);
  r->setRegion(2);
  g.addOutput(r);
  EXPECT_EQ(printGraph(g), "graph opts(%x: f32[4]) {\n"
                           "  %0 = relu(%x) : f32[4] @torch:2\n"
                           "  return %0\n"
                           "}\n");
  PrintOptions opts;
  opts.annotations = false;
  opts.comment = [](const Node &n) { return n.op() == OpKind::Relu ? "cost 4\nflops" : ""; };
  EXPECT_EQ(printGraph(g, opts), "graph opts(%x: f32[4]) {\n"
                                 "  %0 = relu(%x) : f32[4]  // cost 4 flops\n"
                                 "  return %0\n"
                                 "}\n");
  std::ostringstream os;
  os << g;
  EXPECT_EQ(os.str(), g.str());
  std::ostringstream os2;
  g.print(os2);
  EXPECT_EQ(os2.str(), printGraph(g));
}

TEST(TextForm, FloatsKeepFullPrecision) {
  Graph g("c");
  Attributes a;
  a.set("value", std::vector<double>{0.1, 1.0 / 3.0, 1e300, 5e-324, -0.0});
  g.addOutput(g.addNode(OpKind::Constant, {}, a, {DType::F64, {5}}));
  auto back = parseGraph(printGraph(g));
  auto vals = back->nodes()[0]->attrs().getFloats("value");
  ASSERT_EQ(vals.size(), 5u);
  EXPECT_EQ(vals[0], 0.1);
  EXPECT_EQ(vals[1], 1.0 / 3.0);
  EXPECT_EQ(vals[2], 1e300);
  EXPECT_EQ(vals[3], 5e-324);
  EXPECT_TRUE(std::signbit(vals[4]));
}

TEST(StructuralKey, IgnoresNamesAndAnnotations) {
  auto a = parseGraph("graph a(%x: f32[2,3]) params(%w: f32[3]) {\n"
                      "  %y = add(%x, %w) : f32[2,3] @torch:0\n"
                      "  return %y\n}\n");
  auto b = parseGraph("graph other(%in: f32[2,3]) params(%bias: f32[3]) {\n"
                      "  %0 = add(%in, %bias) : f32[2,3]\n"
                      "  return %0\n}\n");
  EXPECT_EQ(structuralKey(*a), structuralKey(*b));
  EXPECT_EQ(structuralKey(*a), "graph (%0: f32[2,3]) params(%1: f32[3]) {\n"
                               "  %2 = add(%0, %1) : f32[2,3]\n"
                               "  return %2\n}\n");
}

TEST(StructuralKey, DiffersWhenTheComputationDiffers) {
  const char *base = "graph g(%x: f32[2,3], %y: f32[2,3]) {\n"
                     "  %0 = sub(%x, %y) : f32[2,3]\n  return %0\n}\n";
  std::string key = structuralKey(*parseGraph(base));
  const char *variants[] = {
      // operands swapped
      "graph g(%x: f32[2,3], %y: f32[2,3]) {\n  %0 = sub(%y, %x) : f32[2,3]\n  return %0\n}\n",
      // another op
      "graph g(%x: f32[2,3], %y: f32[2,3]) {\n  %0 = add(%x, %y) : f32[2,3]\n  return %0\n}\n",
      // another shape
      "graph g(%x: f32[3,3], %y: f32[3,3]) {\n  %0 = sub(%x, %y) : f32[3,3]\n  return %0\n}\n",
      // another dtype
      "graph g(%x: f64[2,3], %y: f64[2,3]) {\n  %0 = sub(%x, %y) : f64[2,3]\n  return %0\n}\n",
      // an extra output
      "graph g(%x: f32[2,3], %y: f32[2,3]) {\n  %0 = sub(%x, %y) : f32[2,3]\n"
      "  return %0, %x\n}\n",
      // y is a parameter instead of an input
      "graph g(%x: f32[2,3]) params(%y: f32[2,3]) {\n  %0 = sub(%x, %y) : f32[2,3]\n"
      "  return %0\n}\n",
  };
  for (const char *v : variants)
    EXPECT_NE(structuralKey(*parseGraph(v)), key) << v;
  auto withAttr = parseGraph("graph g(%x: f32[2,3]) {\n  %0 = sum(%x) {axes=[0]} : f32[3]\n"
                             "  return %0\n}\n");
  auto otherAttr = parseGraph("graph g(%x: f32[2,3]) {\n  %0 = sum(%x) {axes=[-2]} : f32[3]\n"
                              "  return %0\n}\n");
  EXPECT_NE(structuralKey(*withAttr), structuralKey(*otherAttr));
}

TEST(ParseGraphFile, MissingFileNamesThePath) {
  try {
    parseGraphFile("/nonexistent/dir/model.duet");
    FAIL() << "expected an error";
  } catch (const Error &e) {
    EXPECT_EQ(std::string(e.what()), "cannot open graph file '/nonexistent/dir/model.duet'");
  }
}

} // namespace
} // namespace duet
