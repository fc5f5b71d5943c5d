//===- tests/passes/cost_profile_test.cpp - the cost model ------------------===//
#include "ir/error.h"
#include "ir/graph.h"
#include "passes/cost_profile.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace duet {
namespace {

TensorType f32(Shape s) { return {DType::F32, std::move(s)}; }

// Estimated seconds of an n x n x n f32 matmul on `b`.
double matmulCost(const CostProfile &p, int64_t n, Backend b) {
  Graph g;
  Node *x = g.addInput("x", f32({n, n}));
  Node *w = g.addInput("w", f32({n, n}));
  return p.estimateNode(*g.addChecked(OpKind::Matmul, {x, w}), b);
}

TEST(CostProfile, EstimateIsOverheadPlusFlopsPlusBytes) {
  CostProfile p;
  p.setOpCost("matmul", Backend::Torch, {1e-6, 1e-11, 1e-10});
  Graph g;
  Node *x = g.addInput("x", f32({2, 3}));
  Node *w = g.addInput("w", f32({3, 4}));
  Node *m = g.addChecked(OpKind::Matmul, {x, w});
  // 2*2*4*3 = 48 flops; (6 + 12 + 8) floats = 104 bytes.
  EXPECT_DOUBLE_EQ(p.estimateNode(*m, Backend::Torch), 1e-6 + 48 * 1e-11 + 104 * 1e-10);
  EXPECT_DOUBLE_EQ(p.estimateNode(*m, Backend::Pure), 0.0);  // no entry: free
  EXPECT_DOUBLE_EQ(p.estimateNode(*x, Backend::Torch), 0.0); // sources are free
}

TEST(CostProfile, DefaultsPutTheMatmulCrossoverBetween128And256) {
  CostProfile p = CostProfile::defaults();
  EXPECT_LT(matmulCost(p, 64, Backend::Pure), matmulCost(p, 64, Backend::Torch));
  EXPECT_LT(matmulCost(p, 128, Backend::Pure), matmulCost(p, 128, Backend::Torch));
  EXPECT_LT(matmulCost(p, 256, Backend::Torch), matmulCost(p, 256, Backend::Pure));
  EXPECT_LT(matmulCost(p, 1024, Backend::Torch), matmulCost(p, 1024, Backend::Pure));
  // Eigen at ~50 GFLOP/s: a 1000^3 matmul (2 GFLOP) takes about 40 ms.
  EXPECT_NEAR(matmulCost(p, 1000, Backend::Pure), 0.040, 0.005);
}

TEST(CostProfile, DefaultsKeepElementwisePureAtEverySize) {
  CostProfile p = CostProfile::defaults();
  for (int64_t n : {4, 1024, 1 << 20, 1 << 24}) {
    Graph g;
    Node *x = g.addInput("x", f32({n}));
    Node *a = g.addChecked(OpKind::Add, {x, x});
    EXPECT_LT(p.estimateNode(*a, Backend::Pure), p.estimateNode(*a, Backend::Torch)) << n;
  }
  // Memory-bound at ~10 GB/s: adding 1M floats moves 12 MB, about 1.2 ms.
  Graph g;
  Node *x = g.addInput("x", f32({1 << 20}));
  EXPECT_NEAR(p.estimateNode(*g.addChecked(OpKind::Add, {x, x}), Backend::Pure), 1.26e-3, 1e-4);
}

TEST(CostProfile, DefaultsSendLargeConvolutionsToTorch) {
  CostProfile p = CostProfile::defaults();
  Graph g;
  Node *small = g.addInput("s", f32({1, 1, 4, 4}));
  Node *ws = g.addInput("ws", f32({1, 1, 1, 1}));
  Node *big = g.addInput("b", f32({8, 64, 56, 56}));
  Node *wb = g.addInput("wb", f32({64, 64, 3, 3}));
  Node *cs = g.addChecked(OpKind::Conv2d, {small, ws});
  Node *cb = g.addChecked(OpKind::Conv2d, {big, wb});
  EXPECT_LT(p.estimateNode(*cs, Backend::Pure), p.estimateNode(*cs, Backend::Torch));
  EXPECT_LT(p.estimateNode(*cb, Backend::Torch), p.estimateNode(*cb, Backend::Pure));
}

TEST(CostProfile, DefaultConversionIsAboutAThirdOfAMicrosecondAtAnySize) {
  CostProfile p = CostProfile::defaults();
  EXPECT_NEAR(p.conversionCost(16), 0.3e-6, 0.01e-6);
  EXPECT_NEAR(p.conversionCost(64 << 20), 0.3e-6, 0.1e-6); // zero-copy: 64 MB barely costs
  EXPECT_GT(p.regionLaunchS, 0.0);
}

TEST(CostProfile, JsonRoundTripIsExact) {
  CostProfile p = CostProfile::defaults();
  p.setOpCost("conv2d", Backend::Torch, {3.25e-6, 1.0 / 77e9, 1.5e-10});
  p.setThreshold("matmul", 1e6);
  p.machine = {{"cpu", "AMD Ryzen"}, {"threads", "2"}};
  p.convPerValueS = 0.4e-6;
  CostProfile q = CostProfile::fromJson(p.toJson());
  EXPECT_EQ(q, p);
  EXPECT_EQ(q.toJson(), p.toJson());
  EXPECT_EQ(q.threshold("matmul"), 1e6);
  EXPECT_FALSE(q.threshold("conv2d").has_value());
  EXPECT_EQ(CostProfile::fromJson(CostProfile::defaults().toJson()), CostProfile::defaults());
}

TEST(CostProfile, JsonHasTheDocumentedLayout) {
  CostProfile p = CostProfile::defaults();
  p.setThreshold("matmul", 1e6);
  auto j = nlohmann::json::parse(p.toJson());
  EXPECT_EQ(j["format"], "duet-cost-profile");
  EXPECT_EQ(j["version"], 1);
  EXPECT_TRUE(j["machine"].is_object());
  EXPECT_DOUBLE_EQ(j["conversion"]["per_value_s"].get<double>(), 0.3e-6);
  EXPECT_DOUBLE_EQ(j["ops"]["matmul"]["torch"]["overhead_s"].get<double>(),
                   p.opCost("matmul", Backend::Torch).overheadS);
  EXPECT_TRUE(j["ops"]["relu"]["pure"].contains("s_per_byte"));
  EXPECT_EQ(j["thresholds"]["matmul"], 1e6);
  EXPECT_FALSE(j["ops"].contains("input")); // sources have no cost entry
}

TEST(CostProfile, OmittedFieldsKeepTheDefaults) {
  CostProfile p = CostProfile::fromJson(R"({"format": "duet-cost-profile", "version": 1,
      "ops": {"matmul": {"torch": {"overhead_s": 7e-6}}}})");
  CostProfile d = CostProfile::defaults();
  EXPECT_DOUBLE_EQ(p.opCost("matmul", Backend::Torch).overheadS, 7e-6);
  EXPECT_DOUBLE_EQ(p.opCost("matmul", Backend::Torch).secPerFlop,
                   d.opCost("matmul", Backend::Torch).secPerFlop);
  EXPECT_EQ(p.opCost("relu", Backend::Pure), d.opCost("relu", Backend::Pure));
  EXPECT_DOUBLE_EQ(p.convPerValueS, d.convPerValueS);
}

TEST(CostProfile, MachineScalarsAreKeptAsText) {
  CostProfile p = CostProfile::fromJson(R"({"format": "duet-cost-profile", "version": 1,
      "machine": {"cpu": "x", "cores": 2, "smt": false}})");
  EXPECT_EQ(p.machine.at("cpu"), "x");
  EXPECT_EQ(p.machine.at("cores"), "2");
  EXPECT_EQ(p.machine.at("smt"), "false");
}

struct CorruptCase {
  const char *json;
  const char *message; // expected what()
};

TEST(CostProfile, EveryCorruptFieldIsNamed) {
  const std::string head = R"({"format": "duet-cost-profile", "version": 1, )";
  const CorruptCase cases[] = {
      {"[1, 2]", "p.json: expected a JSON object at the top level"},
      {R"({"version": 1})", "p.json: format: missing (expected \"duet-cost-profile\")"},
      {R"({"format": "other", "version": 1})",
       "p.json: format: expected \"duet-cost-profile\", got \"other\""},
      {R"({"format": "duet-cost-profile"})", "p.json: version: missing"},
      {R"({"format": "duet-cost-profile", "version": "1"})",
       "p.json: version: expected an integer"},
      {R"({"format": "duet-cost-profile", "version": 2})",
       "p.json: version: unsupported version 2 (this duet reads version 1)"},
      {R"({"format": "duet-cost-profile", "version": 1, "extra": 0})",
       "p.json: extra: unknown field"},
      {R"("machine": [1]})", "p.json: machine: expected an object, got array"},
      {R"("machine": {"cpu": {"a": 1}}})",
       "p.json: machine.cpu: expected a string, number or bool"},
      {R"("conversion": 3})", "p.json: conversion: expected an object, got number"},
      {R"("conversion": {"per_value_s": "fast"}})",
       "p.json: conversion.per_value_s: expected a number"},
      {R"("conversion": {"per_byte_s": -1}})",
       "p.json: conversion.per_byte_s: expected a non-negative number, got -1"},
      {R"("conversion": {"launch": 1}})",
       "p.json: conversion.launch: unknown field (expected per_value_s, per_byte_s or "
       "region_launch_s)"},
      {R"("ops": []})", "p.json: ops: expected an object, got array"},
      {R"("ops": {"frobnicate": {}}})", "p.json: ops.frobnicate: unknown op"},
      {R"("ops": {"input": {}}})", "p.json: ops.input: sources and conversions have no op cost"},
      {R"("ops": {"matmul": 1}})", "p.json: ops.matmul: expected an object, got number"},
      {R"("ops": {"matmul": {"cuda": {}}}})",
       "p.json: ops.matmul.cuda: unknown backend (expected pure or torch)"},
      {R"("ops": {"matmul": {"torch": null}}})",
       "p.json: ops.matmul.torch: expected an object, got null"},
      {R"("ops": {"matmul": {"torch": {"overhead_s": "x"}}}})",
       "p.json: ops.matmul.torch.overhead_s: expected a number"},
      {R"("ops": {"matmul": {"pure": {"s_per_flop": true}}}})",
       "p.json: ops.matmul.pure.s_per_flop: expected a number"},
      {R"("ops": {"relu": {"pure": {"s_per_byte": -2.5}}}})",
       "p.json: ops.relu.pure.s_per_byte: expected a non-negative number, got -2.5"},
      {R"("ops": {"relu": {"pure": {"overhead": 1}}}})",
       "p.json: ops.relu.pure.overhead: unknown field (expected overhead_s, s_per_flop or "
       "s_per_byte)"},
      {R"("thresholds": {"matmul": "big"}})", "p.json: thresholds.matmul: expected a number"},
      {R"("thresholds": {"mm": 5}})", "p.json: thresholds.mm: unknown op"},
      {R"("thresholds": 5})", "p.json: thresholds: expected an object, got number"},
  };
  for (const CorruptCase &c : cases) {
    std::string text = c.json[0] == '"' ? head + c.json : c.json;
    try {
      CostProfile::fromJson(text, "p.json");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const Error &e) {
      EXPECT_EQ(std::string(e.what()), c.message) << text;
    }
  }
}

TEST(CostProfile, InvalidJsonNamesTheFile) {
  try {
    CostProfile::fromJson("{\"format\": ", "broken.json");
    FAIL();
  } catch (const Error &e) {
    EXPECT_EQ(std::string(e.what()).rfind("broken.json: not valid JSON: ", 0), 0u) << e.what();
  }
}

TEST(CostProfile, SaveAndLoadAFile) {
  namespace fs = std::filesystem;
  fs::path path = fs::temp_directory_path() / "duet_cost_profile_test.json";
  CostProfile p = CostProfile::defaults();
  p.setThreshold("conv2d", 5e5);
  p.save(path.string());
  EXPECT_EQ(CostProfile::load(path.string()), p);
  {
    std::ofstream out(path);
    out << R"({"format": "duet-cost-profile", "version": 1,
              "ops": {"add": {"torch": {"s_per_flop": "x"}}}})";
  }
  try {
    CostProfile::load(path.string());
    FAIL();
  } catch (const Error &e) {
    EXPECT_EQ(std::string(e.what()),
              path.string() + ": ops.add.torch.s_per_flop: expected a number");
  }
  fs::remove(path);
  EXPECT_THROW(CostProfile::load(path.string()), Error);
  EXPECT_THROW(p.save("/nonexistent-dir/x/p.json"), Error);
}

TEST(CostProfile, FormatsSecondsAndBytes) {
  EXPECT_EQ(formatSeconds(850e-9), "850ns");
  EXPECT_EQ(formatSeconds(12.34e-6), "12.3us");
  EXPECT_EQ(formatSeconds(4.12e-3), "4.1ms");
  EXPECT_EQ(formatSeconds(2.0), "2.0s");
  EXPECT_EQ(formatBytes(512), "512 B");
  EXPECT_EQ(formatBytes(4096), "4.0 KiB");
  EXPECT_EQ(formatBytes(4 << 20), "4.0 MiB");
}

} // namespace
} // namespace duet
