//===- tests/reliability/fault_injection_test.cpp - torch failing at random ===//
//
// Torch regions made to fail at random (backends/torch_backend.h failure
// injection) across many runs of the example graphs: every run must give
// the outputs of a clean run (the failed regions re-run on the pure
// interpreter), warn once per plan, and count each fallback. Skipped in a
// build without LibTorch, where there is nothing to fail.
//
#include "reliability_util.h"

#include "backends/npy.h"
#include "backends/runtime/compile.h"
#include "backends/runtime/params.h"
#include "backends/runtime/plan.h"
#include "backends/torch_backend.h"
#include "ir/graph.h"
#include "ir/parser.h"

#include <gtest/gtest.h>

namespace duet::reliability {
namespace {

constexpr int kRuns = 12;
// Torch (OpenBLAS/oneDNN) and Eigen sum in different orders.
constexpr double kTolerance = 2e-4;

struct Case {
  const char *example;
  Mode mode;
};

// Readable test names in CTest instead of the struct's bytes.
void PrintTo(const Case &c, std::ostream *os) {
  *os << c.example << " in " << modeName(c.mode) << " mode";
}

class FaultInjection : public ::testing::TestWithParam<Case> {
protected:
  void SetUp() override {
    if (!torchBackend())
      GTEST_SKIP() << "built without LibTorch: no torch regions to fail";
    g_ = parseGraphFile(std::string(DUET_SOURCE_DIR "/examples/") + GetParam().example);
    params_ = initParams(*g_, 11);
    std::mt19937 rng(5);
    for (const Node *n : g_->inputs())
      inputs_.push_back(randomBuffer(n->type(), rng));
    CompileOptions pure;
    pure.mode = Mode::Pure;
    reference_ = compile(*g_, pure)->run(inputs_, params_);
  }
  void TearDown() override { setTorchFailureInjection(0.0); }

  std::shared_ptr<Plan> compileFor(Mode mode) {
    CompileOptions opts;
    opts.mode = mode;
    // Auto mode on these small graphs might pick pure everywhere: force the
    // heavy ops onto torch so there are regions to fail.
    for (const char *op : {"matmul", "linear", "conv2d"})
      opts.partition.thresholds[op] = 0;
    return compile(*g_, opts);
  }

  void expectReferenceOutputs(const std::vector<Buffer> &outs, int run) {
    ASSERT_EQ(outs.size(), reference_.size());
    for (size_t i = 0; i < outs.size(); ++i)
      EXPECT_LE(maxRelDiff(outs[i], reference_[i]), kTolerance) << "run " << run << " output " << i;
  }

  std::unique_ptr<Graph> g_;
  ParamStore params_;
  std::vector<Buffer> inputs_, reference_;
};

size_t countOf(const std::string &haystack, const std::string &needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1))
    ++n;
  return n;
}

TEST_P(FaultInjection, CleanRunMatchesPureAndNeverFallsBack) {
  setTorchFailureInjection(0.0);
  auto plan = compileFor(GetParam().mode);
  for (int r = 0; r < 3; ++r)
    expectReferenceOutputs(plan->run(inputs_, params_), r);
  EXPECT_GE(plan->stats().regions, 1);
  EXPECT_EQ(plan->stats().fallbacks, 0);
}

TEST_P(FaultInjection, RandomFailuresGiveTheSameOutputsAndAreCounted) {
  setTorchFailureInjection(0.5, 2024);
  auto plan = compileFor(GetParam().mode);
  ::testing::internal::CaptureStderr();
  int64_t regionRuns = 0;
  for (int r = 0; r < kRuns; ++r) {
    expectReferenceOutputs(plan->run(inputs_, params_), r);
    regionRuns += plan->stats().regions;
  }
  const std::string err = ::testing::internal::GetCapturedStderr();
  const int64_t fallbacks = plan->stats().fallbacks; // cumulative over the runs
  std::printf("[   INFO   ] %s, mode %s: %lld of %lld region runs fell back\n", GetParam().example,
              std::string(modeName(GetParam().mode)).c_str(), static_cast<long long>(fallbacks),
              static_cast<long long>(regionRuns));
  ASSERT_GE(regionRuns, kRuns);
  // p = 0.5 over >= 12 region runs, fixed seed: some fail, some do not.
  EXPECT_GT(fallbacks, 0);
  EXPECT_LT(fallbacks, regionRuns);
  EXPECT_EQ(countOf(err, "duet: warning: torch region"), 1u) << err;
  EXPECT_NE(err.find("running it on the pure interpreter"), std::string::npos) << err;
}

TEST_P(FaultInjection, EveryRegionFailingIsThePureResult) {
  setTorchFailureInjection(1.0, 1);
  auto plan = compileFor(GetParam().mode);
  ::testing::internal::CaptureStderr();
  int64_t regionRuns = 0;
  for (int r = 0; r < 4; ++r) {
    std::vector<Buffer> outs = plan->run(inputs_, params_);
    for (size_t i = 0; i < outs.size(); ++i)
      EXPECT_LE(maxRelDiff(outs[i], reference_[i]), 1e-6) << "run " << r;
    regionRuns += plan->stats().regions;
  }
  ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(plan->stats().fallbacks, regionRuns);
}

TEST_P(FaultInjection, StrictModeTurnsTheFailureIntoAnError) {
  setTorchFailureInjection(1.0, 1);
  CompileOptions opts;
  opts.mode = GetParam().mode;
  for (const char *op : {"matmul", "linear", "conv2d"})
    opts.partition.thresholds[op] = 0;
  opts.strict = true;
  auto plan = compile(*g_, opts);
  std::string msg = errorOf([&] { plan->run(inputs_, params_); });
  EXPECT_EQ(msg.rfind("torch region ", 0), 0u) << msg;
  EXPECT_NE(msg.find("failed (strict mode)"), std::string::npos) << msg;
  // The plan stays usable once torch works again.
  setTorchFailureInjection(0.0);
  expectReferenceOutputs(plan->run(inputs_, params_), 0);
}

INSTANTIATE_TEST_SUITE_P(Examples, FaultInjection,
                         ::testing::Values(Case{"mlp.duet", Mode::Torch},
                                           Case{"mlp.duet", Mode::Auto},
                                           Case{"cnn.duet", Mode::Torch},
                                           Case{"cnn.duet", Mode::Auto},
                                           Case{"transformer_block.duet", Mode::Torch},
                                           Case{"transformer_block.duet", Mode::Auto}),
                         [](const auto &info) {
                           std::string name = info.param.example;
                           name = name.substr(0, name.find('.'));
                           return name + "_" + std::string(modeName(info.param.mode));
                         });

// The same through the CLI and the environment variables, the way a user
// would check a deployment: outputs written with -o match a clean run's.
TEST(FaultInjectionCli, EnvironmentInjectionFallsBackAndReports) {
  if (!torchBackend())
    GTEST_SKIP() << "built without LibTorch";
  TempDir dir;
  const std::string mlp = DUET_SOURCE_DIR "/examples/mlp.duet";
  CliResult clean = runDuet("run " + mlp + " --mode torch -o " + dir.file("clean"));
  ASSERT_EQ(clean.exitCode, 0) << clean.err;
  CliResult faulty =
      runDuet("run " + mlp + " --mode torch --stats --repeat 8 -o " + dir.file("faulty"),
              "DUET_INJECT_TORCH_FAILURE=0.5 DUET_INJECT_TORCH_FAILURE_SEED=3");
  ASSERT_EQ(faulty.exitCode, 0) << faulty.err;
  EXPECT_EQ(countOf(faulty.err, "duet: warning: torch region"), 1u) << faulty.err;
  // --stats: "regions:      1 torch region, N fallbacks to pure" with N >= 1.
  EXPECT_NE(faulty.out.find(" torch region"), std::string::npos) << faulty.out;
  EXPECT_EQ(faulty.out.find(", 0 fallbacks to pure"), std::string::npos) << faulty.out;
  Buffer a = readNpy(dir.file("clean/logits.npy")), b = readNpy(dir.file("faulty/logits.npy"));
  EXPECT_LE(maxRelDiff(b, a), kTolerance);
}

} // namespace
} // namespace duet::reliability
