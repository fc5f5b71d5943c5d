//===- tests/tools/dump_api_test.cpp - dumps and explanations from C++ ----===//
#include "backends/runtime/compile.h"
#include "backends/runtime/plan.h"
#include "backends/torch_backend.h"
#include "ir/graph.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "passes/fuse_elementwise.h"
#include "passes/inspect/dump.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace duet {
namespace {

std::unique_ptr<Graph> mlp() {
  return parseGraphFile(std::string(DUET_SOURCE_DIR) + "/examples/mlp.duet");
}

PartitionOptions matmulsToTorch() {
  PartitionOptions o;
  o.mode = Mode::Auto;
  o.thresholds["matmul"] = 1; // every matmul goes to torch
  return o;
}

TEST(DumpApi, TextDumpParsesBackWithTheSameAssignments) {
  auto g = mlp();
  std::string text = dumpGraph(*g, DumpFormat::Text);
  auto back = parseGraph(text, "dump.duet");
  // Pure mode: nothing inserted; the bias add and relu are fused.
  auto want = g->clone();
  EXPECT_TRUE(FuseElementwisePass().run(*want));
  EXPECT_EQ(structuralKey(*back), structuralKey(*want));
  EXPECT_NE(text.find("summary"), std::string::npos) << text;
}

TEST(DumpApi, JsonAndDotCarryTheSchemaAndRegions) {
  if (!torchBackend())
    GTEST_SKIP() << "no torch backend in this build";
  auto g = mlp();
  auto json = nlohmann::json::parse(dumpGraph(*g, DumpFormat::Json, matmulsToTorch()));
  EXPECT_EQ(json.at("format"), "duet-dump");
  EXPECT_EQ(json.at("regions").size(), 2u) << json.dump(1);
  std::string dot = dumpGraph(*g, DumpFormat::Dot, matmulsToTorch());
  EXPECT_NE(dot.find("subgraph cluster"), std::string::npos) << dot;
}

TEST(DumpApi, ExplainNamesTheThresholdThatDecided) {
  if (!torchBackend())
    GTEST_SKIP() << "no torch backend in this build";
  auto g = mlp();
  std::string why = explainGraph(*g, matmulsToTorch());
  EXPECT_NE(why.find("threshold matmul=1"), std::string::npos) << why;
  EXPECT_NE(why.find("all-pure"), std::string::npos) << why;
}

TEST(DumpApi, PlanExplainShowsTheCompiledDecisions) {
  if (!torchBackend())
    GTEST_SKIP() << "no torch backend in this build";
  auto g = mlp();
  CompileOptions opts;
  opts.mode = Mode::Auto;
  opts.partition = matmulsToTorch();
  std::string why = compile(*g, opts)->explain();
  EXPECT_NE(why.find("threshold matmul=1"), std::string::npos) << why;
  EXPECT_NE(why.find("to_torch"), std::string::npos) << why;
  opts.mode = Mode::Pure;
  std::string pure = compile(*g, opts)->explain();
  EXPECT_EQ(pure.find("torch:"), std::string::npos) << pure;
}

} // namespace
} // namespace duet
