//===- tests/passes/filecheck_test.cpp - the matcher itself ----------------===//
#include "filecheck.h"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace duet::test;

namespace {

/// Empty on success, else the failure message.
std::string run(std::string_view output, std::string_view checks) {
  return fileCheck(output, parseCheckDirectives(checks));
}

constexpr std::string_view kOut = "graph f(%x: f32[2]) {\n"
                                  "  %0 = relu(%x) : f32[2]\n"
                                  "  %1 = neg(%0) : f32[2]\n"
                                  "  return %1\n"
                                  "}\n";

TEST(FileCheck, ParsesDirectives) {
  auto ds = parseCheckDirectives("// RUN: dce\n"
                                 "graph g() {}\n"
                                 "// CHECK-LABEL: graph f\n"
                                 "  //   CHECK:   relu(%x)  \n"
                                 "// CHECK-NEXT: neg\n"
                                 "// CHECK-SAME: f32\n"
                                 "// CHECK-NOT: add\n"
                                 "// CHECKS are prose, not directives\n",
                                 10);
  ASSERT_EQ(ds.size(), 5u);
  EXPECT_EQ(ds[0].kind, CheckKind::Label);
  EXPECT_EQ(ds[0].pattern, "graph f");
  EXPECT_EQ(ds[0].line, 12);
  EXPECT_EQ(ds[1].kind, CheckKind::Check);
  EXPECT_EQ(ds[1].pattern, "relu(%x)"); // trimmed
  EXPECT_EQ(ds[1].line, 13);
  EXPECT_EQ(ds[2].kind, CheckKind::Next);
  EXPECT_EQ(ds[3].kind, CheckKind::Same);
  EXPECT_EQ(ds[4].kind, CheckKind::Not);
  EXPECT_EQ(ds[4].pattern, "add");
}

TEST(FileCheck, RejectsMalformedDirectives) {
  EXPECT_THROW(parseCheckDirectives("// CHECK-NXT: a\n"), std::invalid_argument);
  EXPECT_THROW(parseCheckDirectives("// CHECK relu\n"), std::invalid_argument);
  EXPECT_THROW(parseCheckDirectives("// CHECK:   \n"), std::invalid_argument);
  EXPECT_THROW(parseCheckDirectives("// CHECK-NEXT: a\n"), std::invalid_argument);
  EXPECT_THROW(parseCheckDirectives("// CHECK-NOT: a\n// CHECK-SAME: b\n"), std::invalid_argument);
  EXPECT_THROW(parseCheckDirectives("// CHECK: {{[0-9}}\n"), std::invalid_argument);
  EXPECT_THROW(parseCheckDirectives("// CHECK: {{abc\n"), std::invalid_argument);
}

TEST(FileCheck, PassesOnMatchingOutput) {
  EXPECT_EQ(run(kOut, "// CHECK-LABEL: graph f\n"
                      "// CHECK: relu(%x)\n"
                      "// CHECK-SAME: : f32[2]\n"
                      "// CHECK-NEXT: %1 = neg(%0)\n"
                      "// CHECK-NOT: add\n"
                      "// CHECK: return %1\n"
                      "// CHECK-NEXT: }\n"),
            "");
  // Blank runs match any run of blanks; {{regex}} parts are regexes.
  EXPECT_EQ(run(kOut, "// CHECK: %{{[0-9]+}}  =   relu\n// CHECK: return %{{.*}}\n"), "");
  // No directives: trivially fine.
  EXPECT_EQ(run(kOut, "// nothing to check\n"), "");
}

TEST(FileCheck, FailsWhenPatternMissing) {
  std::string err = run(kOut, "// CHECK: matmul\n");
  EXPECT_NE(err.find("1: CHECK: 'matmul' not found"), std::string::npos) << err;
  // The failure shows the actual output, numbered.
  EXPECT_NE(err.find("   2|   %0 = relu(%x) : f32[2]"), std::string::npos) << err;
}

TEST(FileCheck, FailsWhenOutOfOrder) {
  EXPECT_NE(run(kOut, "// CHECK: neg\n// CHECK: relu\n"), "");
  // The same text cannot be matched twice.
  EXPECT_NE(run(kOut, "// CHECK: return\n// CHECK: return\n"), "");
}

TEST(FileCheck, PatternsAreLiteral) {
  EXPECT_EQ(run("a.c\n", "// CHECK: a.c\n"), "");
  EXPECT_NE(run("abc\n", "// CHECK: a.c\n"), "");
  EXPECT_EQ(run("f32[2,3]\n", "// CHECK: f32[2,3]\n"), "");
  EXPECT_NE(run("f32[2]\n", "// CHECK: f32[{{[3-9]}}]\n"), "");
}

TEST(FileCheck, NextMustBeOnTheFollowingLine) {
  std::string err = run(kOut, "// CHECK: relu\n// CHECK-NEXT: return\n");
  EXPECT_NE(err.find("not on the line after"), std::string::npos) << err;
  err = run(kOut, "// CHECK: %0 =\n// CHECK-NEXT: relu\n");
  EXPECT_NE(err.find("same line"), std::string::npos) << err;
  EXPECT_NE(run(kOut, "// CHECK: return\n// CHECK-NEXT: }\n// CHECK-NEXT: x\n"), "");
}

TEST(FileCheck, SameMustBeOnTheSameLine) {
  EXPECT_NE(run(kOut, "// CHECK: relu\n// CHECK-SAME: neg\n"), "");
  // ...and after the previous match on it.
  EXPECT_NE(run(kOut, "// CHECK: relu\n// CHECK-SAME: %0\n"), "");
}

TEST(FileCheck, NotFailsWhenExcludedTextIsBetweenMatches) {
  std::string err = run(kOut, "// CHECK: relu\n// CHECK-NOT: neg\n// CHECK: return\n");
  EXPECT_NE(err.find("2: CHECK-NOT: 'neg' excluded, but found on output line 3"), std::string::npos)
      << err;
  // Outside the range it is fine.
  EXPECT_EQ(run(kOut, "// CHECK: neg\n// CHECK-NOT: relu\n// CHECK: return\n"), "");
  // A trailing NOT covers the rest of the output; a leading one the start.
  EXPECT_NE(run(kOut, "// CHECK: relu\n// CHECK-NOT: }\n"), "");
  EXPECT_NE(run(kOut, "// CHECK-NOT: graph\n// CHECK: relu\n"), "");
  EXPECT_EQ(run(kOut, "// CHECK-NOT: add\n"), "");
  // Same-line ranges: before the match column counts, after it does not.
  EXPECT_NE(run("a b c\n", "// CHECK-NOT: b\n// CHECK: c\n"), "");
  EXPECT_EQ(run("a b c\n", "// CHECK: b\n// CHECK-NOT: a\n// CHECK: c\n"), "");
}

} // namespace
