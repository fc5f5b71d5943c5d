//===- tests/tools/dump_trace_test.cpp - Chrome traces of runs ------------===//
#include "dump_test_util.h"

#include "backends/runtime/trace_writer.h"
#include "backends/torch_backend.h"
#include "ir/error.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

namespace duet {
namespace {

using dumptest::duet;
using dumptest::example;
using dumptest::Scratch;
using Json = nlohmann::json;

std::vector<Json> completeEvents(const Json &trace) {
  std::vector<Json> out;
  for (const Json &e : trace.at("traceEvents"))
    if (e.at("ph") == "X")
      out.push_back(e);
  return out;
}

TEST(TraceWriter, OneCompleteEventPerStepOnOneTrackPerBackend) {
  RunStats stats;
  stats.totalSeconds = 0.010;
  stats.steps = {
      {"%0 matmul", "pure", 1e-3, 2e-3, 0.0, 0, 0},
      {"region 0 (4 nodes)", "torch", 3e-3, 5e-3, 2e-3, 3, 4096},
      {"region 1 (2 nodes)", "pure (fallback)", 1e-3, 2.5e-3, 7e-3, 0, 0},
  };
  Json t = Json::parse(traceJson(stats, {"mlp", "auto"}));
  std::vector<Json> events = completeEvents(t);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].at("name"), "%0 matmul");
  EXPECT_DOUBLE_EQ(events[0].at("ts").get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(events[0].at("dur").get<double>(), 2000.0); // microseconds
  EXPECT_DOUBLE_EQ(events[1].at("ts").get<double>(), 2000.0);
  EXPECT_DOUBLE_EQ(events[1].at("dur").get<double>(), 5000.0);
  EXPECT_EQ(events[1].at("args").at("conversions"), 3);
  EXPECT_EQ(events[1].at("args").at("converted_bytes"), 4096);
  EXPECT_FALSE(events[0].at("args").contains("conversions"));
  EXPECT_DOUBLE_EQ(events[1].at("args").at("estimated_us").get<double>(), 3000.0);
  std::set<int> tids;
  for (const Json &e : events)
    tids.insert(e.at("tid").get<int>());
  EXPECT_EQ(tids.size(), 3u);
  // Each track is named after its backend.
  std::set<std::string> names;
  for (const Json &e : t.at("traceEvents"))
    if (e.at("ph") == "M" && e.at("name") == "thread_name")
      names.insert(e.at("args").at("name").get<std::string>());
  EXPECT_EQ(names, (std::set<std::string>{"pure", "torch", "pure (fallback)"}));
  EXPECT_EQ(t.at("otherData").at("graph"), "mlp");
  EXPECT_DOUBLE_EQ(t.at("otherData").at("total_us").get<double>(), 10000.0);
}

TEST(TraceWriter, UnwritableFileIsAnError) {
  RunStats stats;
  EXPECT_THROW(writeTraceFile("/nonexistent-dir/trace.json", stats), Error);
}

TEST(RunTrace, PureRunHasOneEventPerNode) {
  Scratch s;
  std::string trace = s.file("trace.json");
  auto r = duet("run " + example("mlp.duet") + " --mode pure --no-fuse --trace " + trace);
  ASSERT_EQ(r.code, 0) << r.err;
  Json t = Json::parse(dumptest::slurp(trace));
  std::vector<Json> events = completeEvents(t);
  ASSERT_EQ(events.size(), 5u); // matmul, add, relu, matmul, add
  std::vector<std::string> names;
  double previousEnd = 0;
  for (const Json &e : events) {
    names.push_back(e.at("name"));
    EXPECT_EQ(e.at("cat"), "pure");
    EXPECT_GE(e.at("ts").get<double>() + 1e-3, previousEnd); // in run order, no overlap
    previousEnd = e.at("ts").get<double>() + e.at("dur").get<double>();
  }
  EXPECT_EQ(names, (std::vector<std::string>{"%0 matmul", "%1 add", "%2 relu", "%3 matmul",
                                             "%logits add"}));
}

TEST(RunTrace, TorchRegionsShowTheirConversions) {
  if (!torchBackend())
    GTEST_SKIP() << "built without LibTorch";
  Scratch s;
  std::string trace = s.file("trace.json");
  std::string profile = s.write("p.json", dumptest::flatProfile(1e-3, 1e-4));
  auto r = duet("run " + example("mlp.duet") + " --no-fuse --mode auto --trace " + trace,
                "DUET_PROFILE='" + profile + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  std::vector<Json> events = completeEvents(Json::parse(dumptest::slurp(trace)));
  // Two torch regions (one matmul each) and the three pure nodes.
  ASSERT_EQ(events.size(), 5u);
  int regions = 0;
  for (const Json &e : events)
    if (e.at("cat") == "torch") {
      ++regions;
      EXPECT_EQ(e.at("args").at("conversions"), 3) << e.dump();
      EXPECT_EQ(e.at("tid"), 2);
    } else {
      EXPECT_EQ(e.at("tid"), 1);
    }
  EXPECT_EQ(regions, 2);
}

} // namespace
} // namespace duet
