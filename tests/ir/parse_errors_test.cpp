//===- tests/ir/parse_errors_test.cpp - parser diagnostics ------------------===//
#include "ir/error.h"
#include "ir/graph.h"
#include "ir/parser.h"

#include <gtest/gtest.h>

namespace duet {
namespace {

// "line:col: message" of the error parsing `text` raises.
std::string parseError(const std::string &text) {
  try {
    parseGraph(text, "t.duet");
  } catch (const ParseError &e) {
    EXPECT_EQ(std::string(e.what()), "t.duet:" + std::to_string(e.line()) + ":" +
                                         std::to_string(e.col()) + ": error: " + e.message());
    return std::to_string(e.line()) + ":" + std::to_string(e.col()) + ": " + e.message();
  } catch (const std::exception &e) {
    return std::string("not a ParseError: ") + e.what();
  }
  return "(parsed)";
}

const std::string kHead = "graph g(%x: f32[2,3], %w: f32[3,2]) {\n";

TEST(ParseErrors, WhatNamesFileLineAndColumn) {
  try {
    parseGraph("graph g() {\n  return %y\n}\n", "model.duet");
    FAIL();
  } catch (const ParseError &e) {
    EXPECT_EQ(std::string(e.what()), "model.duet:2:10: error: use of undefined value %y");
    EXPECT_EQ(e.file(), "model.duet");
  }
}

TEST(ParseErrors, UnknownOpPointsAtTheOp) {
  EXPECT_EQ(parseError(kHead + "  %0 = matmull(%x, %w) : f32[2,2]\n  return %0\n}\n"),
            "2:8: unknown op 'matmull'");
}

TEST(ParseErrors, ShapeErrorsPointAtTheOp) {
  EXPECT_EQ(parseError(kHead + "  %0 = add(%x, %w) : f32[2,3]\n  return %0\n}\n"),
            "2:8: add: shapes f32[2,3] and f32[3,2] are not broadcastable");
  EXPECT_EQ(parseError(kHead + "  %0 = relu(%x, %w) : f32[2,3]\n  return %0\n}\n"),
            "2:8: relu: expected 1 operand, got 2");
  EXPECT_EQ(parseError(kHead + "  %0 = conv2d(%x, %w) {strides=[1,1]} : f32[2,3]\n"
                               "  return %0\n}\n"),
            "2:8: conv2d: unknown attribute 'strides' (known: stride, padding, dilation, groups)");
}

TEST(ParseErrors, DeclaredTypeMustMatchTheInferredOne) {
  EXPECT_EQ(parseError(kHead + "  %0 = matmul(%x, %w) : f32[2,3]\n  return %0\n}\n"),
            "2:25: declared type f32[2,3] does not match inferred f32[2,2] for matmul");
  EXPECT_EQ(parseError(kHead + "  %0 = relu(%x) : f64[2,3]\n  return %0\n}\n"),
            "2:19: declared type f64[2,3] does not match inferred f32[2,3] for relu");
}

TEST(ParseErrors, UndefinedAndRedefinedValues) {
  EXPECT_EQ(parseError(kHead + "  %0 = relu(%7) : f32[2,3]\n  return %0\n}\n"),
            "2:13: use of undefined value %7");
  EXPECT_EQ(parseError(kHead + "  %x = relu(%x) : f32[2,3]\n  return %x\n}\n"),
            "2:3: redefinition of value %x");
  EXPECT_EQ(parseError("graph g(%x: f32[2], %x: f32[2]) {\n  return\n}\n"),
            "1:21: redefinition of value %x");
  EXPECT_EQ(parseError(kHead + "  %0 = relu(%x) : f32[2,3]\n  %0 = neg(%x) : f32[2,3]\n"
                               "  return %0\n}\n"),
            "3:3: redefinition of value %0");
  // A value cannot use itself.
  EXPECT_EQ(parseError(kHead + "  %y = neg(%y) : f32[2,3]\n  return %y\n}\n"),
            "2:12: use of undefined value %y");
}

TEST(ParseErrors, SyntaxErrorsSayWhatWasExpected) {
  EXPECT_EQ(parseError(""), "1:1: expected 'graph' at the start of the input, found end of input");
  EXPECT_EQ(parseError("graf g() {}"),
            "1:1: expected 'graph' at the start of the input, found 'graf'");
  EXPECT_EQ(parseError("graph g(%x f32[2]) {\n  return\n}\n"),
            "1:12: expected ':' after value name, found 'f32'");
  EXPECT_EQ(parseError(kHead + "  %0 = relu(%x foo) : f32[2,3]\n  return %0\n}\n"),
            "2:16: expected ')' after operands, found 'foo'");
  EXPECT_EQ(parseError(kHead + "  %0 relu(%x) : f32[2,3]\n  return %0\n}\n"),
            "2:6: expected '=' after value name, found 'relu'");
  EXPECT_EQ(parseError(kHead + "  %0 = relu(%x) f32[2,3]\n  return %0\n}\n"),
            "2:17: expected ':' before the result type, found 'f32'");
  EXPECT_EQ(parseError(kHead + "  %0 = relu(%x) : f32[2,3\n  return %0\n}\n"),
            "3:3: expected ']' after the dimensions, found 'return'");
  EXPECT_EQ(parseError(kHead + "  %0 = relu(%x) : f16[2,3]\n  return %0\n}\n"),
            "2:19: unknown dtype 'f16' (expected f32, f64, i64 or bool)");
  EXPECT_EQ(parseError(kHead + "  relu(%x)\n  return\n}\n"),
            "2:3: expected a value definition or 'return', found 'relu'");
  EXPECT_EQ(parseError(kHead + "  return %x %w\n}\n"),
            "2:13: expected '}' after return values, found '%w'");
  EXPECT_EQ(parseError(kHead + "  return %x\n"), "3:1: expected '}' after return values, found "
                                                 "end of input");
  EXPECT_EQ(parseError(kHead + "  return %x\n}\n}\n"),
            "4:1: unexpected '}' after the end of the graph");
  EXPECT_EQ(parseError(kHead + "  %0 = relu(%x) : f32[2,3] @gpu\n  return %0\n}\n"),
            "2:29: unknown backend 'gpu' (expected pure or torch)");
  EXPECT_EQ(parseError(kHead + "  %0 = relu(%x) : f32[2,3] @pure:1\n  return %0\n}\n"),
            "2:34: only torch nodes belong to regions");
  EXPECT_EQ(parseError(kHead + "  %0 = relu(%x) : f32[2,3] # hi\n  return %0\n}\n"),
            "2:28: unexpected character '#'");
  EXPECT_EQ(parseError(kHead + "  %0 = input() : f32[2,3]\n  return %0\n}\n"),
            "2:8: 'input' values are declared in the graph header, not the body");
}

TEST(ParseErrors, AttributeErrors) {
  EXPECT_EQ(parseError(kHead + "  %0 = sum(%x) {axes=[0], axes=[1]} : f32[3]\n"
                               "  return %0\n}\n"),
            "2:27: duplicate attribute 'axes'");
  EXPECT_EQ(parseError(kHead + "  %0 = sum(%x) {axes=[[0]]} : f32[3]\n  return %0\n}\n"),
            "2:23: nested lists are not supported");
  EXPECT_EQ(parseError(kHead + "  %0 = sum(%x) {axes=} : f32[3]\n  return %0\n}\n"),
            "2:22: expected an attribute value, found '}'");
  EXPECT_EQ(parseError(kHead + "  %0 = sum(%x) {axes=[0,true]} : f32[3]\n  return %0\n}\n"),
            "2:25: expected a number in the list, found 'true'");
  EXPECT_EQ(parseError(kHead + "  %0 = cast(%x) {dtype=\"i64} : i64[2,3]\n  return %0\n}\n"),
            "2:24: unterminated string");
  EXPECT_EQ(parseError(kHead + "  %0 = transpose(%x) {dim0=0} : f32[3,2]\n  return %0\n}\n"),
            "2:8: transpose: missing required attribute 'dim1'");
  EXPECT_EQ(parseError(kHead + "  %0 = sum(%x) {axes=1.5} : f32[3]\n  return %0\n}\n"),
            "2:8: sum: attribute 'axes' must be int list, got float 1.5");
}

TEST(ParseErrors, ConstantsCheckTheirValueLength) {
  EXPECT_EQ(parseError("graph c() {\n  %0 = constant() {value=[1.0,2.0]} : f32[3]\n"
                       "  return %0\n}\n"),
            "2:8: constant: value has 2 elements; expected 1 or 3 for f32[3]");
  EXPECT_EQ(parseError("graph c() {\n  %0 = constant() : f32[3]\n  return %0\n}\n"),
            "2:8: constant: missing required attribute 'value'");
  EXPECT_EQ(parseError("graph c(%x: f32[]) {\n  %0 = constant(%x) {value=[1.0]} : f32[]\n"
                       "  return %0\n}\n"),
            "2:8: 'constant' takes no operands");
}

TEST(ParseErrors, NumbersAndSizesAreBounded) {
  EXPECT_EQ(parseError("graph g(%x: f32[99999999999999999999]) {\n  return\n}\n"),
            "1:17: integer '99999999999999999999' is out of range");
  EXPECT_EQ(parseError("graph g(%x: f32[4294967296,4294967296]) {\n  return\n}\n"),
            "1:13: shape [4294967296,4294967296] has more elements than fit in 64 bits");
  EXPECT_EQ(parseError("graph g(%x: f32[2305843009213693952]) {\n  return\n}\n"),
            "1:13: tensor f32[2305843009213693952] is too large");
  EXPECT_EQ(parseError("graph g(%x: f32[-1]) {\n  return\n}\n"), "1:17: negative dimension -1");
  EXPECT_EQ(parseError("graph g(%x: f32[2.5]) {\n  return\n}\n"),
            "1:17: expected a dimension, found '2.5'");
  EXPECT_EQ(parseError("graph g(%x: f32[12ab]) {\n  return\n}\n"), "1:17: malformed number '12ab'");
  EXPECT_EQ(parseError(kHead + "  %0 = leaky_relu(%x) {slope=1e999} : f32[2,3]\n  return %0\n}\n"),
            "2:30: number '1e999' is out of range");
  std::string rank65 = "graph g(%x: f32[";
  for (int i = 0; i < 65; ++i)
    rank65 += i ? ",1" : "1";
  EXPECT_EQ(parseError(rank65 + "]) {\n  return\n}\n"), "1:145: too many dimensions (at most 64)");
  std::string longList = kHead + "  %0 = sum(%x) {axes=[";
  for (int i = 0; i <= (1 << 20); ++i)
    longList += "0,";
  longList += "0]} : f32[]\n  return %0\n}\n";
  std::string err = parseError(longList);
  EXPECT_EQ(err.substr(err.find(' ') + 1), "attribute list is longer than 1048576 elements");
}

TEST(ParseErrors, CommentsAreSkippedEverywhere) {
  auto g = parseGraph("// header\ngraph g( // inputs\n %x: f32[2] // x\n) {\n"
                      "  %0 = neg(%x) // after operands\n : f32[2]\n  return %0 // done\n}\n"
                      "// trailing");
  EXPECT_EQ(g->size(), 2u);
}

} // namespace
} // namespace duet
