//===- tests/runtime/tuner_test.cpp - measuring the cost model ------------===//
#include "backends/pure/threads.h"
#include "backends/runtime/machine_info.h"
#include "backends/runtime/tune_measure.h"
#include "backends/runtime/tuner.h"
#include "backends/torch_backend.h"
#include "ir/error.h"
#include "passes/cost_profile.h"

#include <gtest/gtest.h>

namespace duet {
namespace {

TuneOptions tinyTune(std::vector<OpKind> ops) {
  TuneOptions o;
  o.ops = std::move(ops);
  o.quick = true;
  o.maxPointsPerOp = 2;
  o.pointSeconds = 2e-3;
  return o;
}

TEST(Tuner, MeasuresTheRequestedOpsAndDescribesTheMachine) {
  std::vector<TuneProgress> seen;
  TuneOptions o = tinyTune({OpKind::Add, OpKind::Matmul});
  o.progress = [&](const TuneProgress &p) { seen.push_back(p); };
  TuneResult r = tune(o);
  const bool torch = torchBackend() != nullptr;
  const size_t backends = torch ? 2 : 1;

  // Two points per op and backend, nothing else measured.
  EXPECT_EQ(r.samples.size(), 2 * 2 * backends);
  ASSERT_EQ(r.profile.fit.size(), 2u);
  for (const char *op : {"add", "matmul"}) {
    ASSERT_TRUE(r.profile.fit.count(op)) << op;
    EXPECT_EQ(r.profile.fit.at(op).size(), backends);
    EXPECT_EQ(r.profile.fit.at(op).at("pure").points, 2);
  }
  // Terms are non-negative and the op's time is not free.
  const OpCost &mm = r.profile.opCost("matmul", Backend::Pure);
  EXPECT_GE(mm.overheadS, 0);
  EXPECT_GE(mm.secPerFlop, 0);
  EXPECT_GE(mm.secPerByte, 0);
  EXPECT_GT(r.profile.estimate("matmul", Backend::Pure, 2e6, 3e4), 0);
  // Ops not measured keep the shipped defaults.
  CostProfile d = CostProfile::defaults();
  EXPECT_EQ(r.profile.opCost("relu", Backend::Pure), d.opCost("relu", Backend::Pure));

  for (const char *key :
       {"cpu", "cores", "torch", "openblas_threads", "omp_threads", "pure_threads", "isa",
        "compiler", "build", "duet", "tuned", "tune_mode", "tune_seconds"})
    EXPECT_TRUE(r.profile.machine.count(key)) << key;
  if (torch) {
    EXPECT_TRUE(r.profile.machine.count("blas"));
    EXPECT_EQ(r.profile.machine.at("torch_threads"), std::to_string(torchBackend()->numThreads()));
  }
  EXPECT_EQ(r.profile.machine.at("tune_mode"), "quick");
  // A profile made here is not stale here, and survives a JSON round trip.
  EXPECT_TRUE(staleReasons(r.profile).empty());
  EXPECT_EQ(CostProfile::fromJson(r.profile.toJson()), r.profile);

  // Progress: one report per unit of work, counting up to the total.
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().done, seen.back().total);
  for (size_t i = 0; i < seen.size(); ++i)
    EXPECT_EQ(seen[i].done, i + 1);
  EXPECT_GE(seen.back().elapsedS, 0);
}

TEST(Tuner, RejectsNegativeThreads) {
  TuneOptions o = tinyTune({OpKind::Relu});
  o.threads = -1;
  EXPECT_THROW(tune(o), Error);
}

TEST(Tuner, PointsReadForHumans) {
  EXPECT_EQ(describePoint(OpKind::Matmul, {256, 0}), "n=256");
  EXPECT_EQ(describePoint(OpKind::Add, {4096, 1}), "numel=4096 (bias row)");
  EXPECT_EQ(describePoint(OpKind::Conv2d, {28, 3}), "h=28 (1->8 channels)");
}

TEST(TuneMeasure, ConversionPlanOnlyConverts) {
  if (!torchBackend())
    GTEST_SKIP() << "no torch backend in this build";
  auto plan = tunedetail::conversionPlan(3, 4096);
  auto g = tunedetail::passThroughGraph(3, 4096);
  std::vector<Buffer> in = tunedetail::tuneInputs(*g);
  std::vector<Buffer> out = plan->run(in, {});
  ASSERT_EQ(out.size(), 3u);
  for (size_t i = 0; i < 3; ++i)
    EXPECT_EQ(out[i].toDoubles(), in[i].toDoubles());
  EXPECT_EQ(plan->stats().regions, 1);
  EXPECT_EQ(plan->stats().torchNodes, 0);
  EXPECT_EQ(plan->stats().conversions, 6); // 3 in, 3 out
}

//===- stale profiles ------------------------------------------------------===//

CostProfile tunedOn(std::map<std::string, std::string> machine) {
  CostProfile p = CostProfile::defaults();
  p.machine = std::move(machine);
  p.machine["tuned"] = "2024-01-01T00:00:00+0000";
  return p;
}

TEST(Stale, NamesEverySettingThatDiffers) {
  std::map<std::string, std::string> now = {
      {"cpu", "AMD EPYC"}, {"torch_threads", "1"}, {"blas", "openblas"}, {"cores", "2"}};
  CostProfile p = tunedOn(
      {{"cpu", "Intel Xeon"}, {"torch_threads", "2"}, {"blas", "openblas"}, {"cores", "2"}});
  std::vector<std::string> why = staleReasons(p, now);
  ASSERT_EQ(why.size(), 2u);
  EXPECT_EQ(why[0], "cpu: profile Intel Xeon, now AMD EPYC");
  EXPECT_EQ(why[1], "torch_threads: profile 2, now 1");
}

TEST(Stale, MatchingOrUntunedProfilesAreFresh) {
  std::map<std::string, std::string> now = {{"cpu", "AMD EPYC"}, {"torch_threads", "1"}};
  EXPECT_TRUE(staleReasons(tunedOn(now), now).empty());
  // Keys the profile lacks are not compared; the date is not a setting.
  EXPECT_TRUE(staleReasons(tunedOn({{"cpu", "AMD EPYC"}}), now).empty());
  // Not written by duet tune: the defaults, a hand-written file.
  CostProfile hand = CostProfile::defaults();
  hand.machine = {{"cpu", "Intel Xeon"}};
  EXPECT_TRUE(staleReasons(hand, now).empty());
  EXPECT_TRUE(staleReasons(CostProfile::defaults()).empty());
}

TEST(Stale, CurrentMachineIsFreshAgainstItself) {
  CostProfile p = tunedOn(currentMachine());
  EXPECT_TRUE(staleReasons(p).empty());
  EXPECT_EQ(staleWarning(p, "p.json"), "");
  p.machine["pure_threads"] = "999";
  std::string w = staleWarning(p, "p.json");
  EXPECT_NE(w.find("cost profile 'p.json' is stale"), std::string::npos) << w;
  EXPECT_NE(w.find("pure_threads: profile 999, now " + std::to_string(pureThreads())),
            std::string::npos)
      << w;
}

} // namespace
} // namespace duet
