//===- tests/runtime/torch_runtime_test.cpp - plans with torch regions ----===//
//
// Only in builds with LibTorch (duet_torch defines DUET_HAVE_TORCH).
//
#ifdef DUET_HAVE_TORCH

#include "backends/runtime/compile.h"
#include "backends/runtime/params.h"
#include "backends/torch_backend.h"
#include "ir/error.h"
#include "test_util.h"

#include <cmath>

namespace duet {
namespace {

using test::errorOf;

class TorchRuntime : public testing::Test {
protected:
  void SetUp() override {
    ASSERT_NE(torchBackend(), nullptr);
    setTorchFailureInjection(0.0, 0);
    g_ = test::makeMlp(16, 32, 64, 8);
    params_ = initParams(*g_, 3);
    x_ = test::makeBuffer({DType::F32, {16, 32}}, [](int64_t i) { return std::cos(0.1 * i); });
    CompileOptions pure;
    pure.mode = Mode::Pure;
    expected_ = compile(*g_, pure)->run(std::span<const Buffer>(&x_, 1), params_)[0];
  }
  void TearDown() override { setTorchFailureInjection(0.0, 0); }

  std::shared_ptr<Plan> torchPlan(bool strict = false) {
    CompileOptions opts;
    opts.mode = Mode::Torch;
    opts.strict = strict;
    return compile(*g_, opts);
  }
  std::vector<double> run(Plan &plan) {
    return plan.run(std::span<const Buffer>(&x_, 1), params_)[0].toDoubles();
  }

  std::unique_ptr<Graph> g_;
  ParamStore params_;
  Buffer x_, expected_;
};

TEST_F(TorchRuntime, TorchModeMatchesPure) {
  auto plan = torchPlan();
  std::vector<double> got = run(*plan), want = expected_.toDoubles();
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_NEAR(got[i], want[i], 1e-4) << i;
  const RunStats &s = plan->stats();
  EXPECT_EQ(s.torchNodes, 5);
  EXPECT_EQ(s.pureNodes, 0);
  EXPECT_EQ(s.regions, 1);
  EXPECT_EQ(s.fallbacks, 0);
  EXPECT_GE(s.conversions, 2); // at least x in and y out
  EXPECT_GT(s.zeroCopyBytes + s.copiedBytes, 0);
  ASSERT_EQ(s.steps.size(), 1u);
  EXPECT_EQ(s.steps[0].backend, "torch");
}

TEST_F(TorchRuntime, FailingRegionFallsBackWithIdenticalResults) {
  auto plan = torchPlan();
  setTorchFailureInjection(1.0, 1);
  testing::internal::CaptureStderr();
  std::vector<double> got = run(*plan);
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(got, expected_.toDoubles()); // the same interpreter computed it
  EXPECT_EQ(err.rfind("duet: warning: torch region 0 failed (", 0), 0u) << err;
  EXPECT_NE(err.find("running it on the pure interpreter (further fallbacks are counted in "
                     "--stats)"),
            std::string::npos)
      << err;
  EXPECT_EQ(plan->stats().fallbacks, 1);
  EXPECT_EQ(plan->stats().pureNodes, 5);
  EXPECT_EQ(plan->stats().torchNodes, 0);

  testing::internal::CaptureStderr();
  EXPECT_EQ(run(*plan), expected_.toDoubles());
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  EXPECT_EQ(plan->stats().fallbacks, 2);

  // Once torch works again, the region runs on torch.
  setTorchFailureInjection(0.0, 0);
  run(*plan);
  EXPECT_EQ(plan->stats().torchNodes, 5);
  EXPECT_EQ(plan->stats().fallbacks, 2);
}

TEST_F(TorchRuntime, StrictModeFailsLoudly) {
  auto plan = torchPlan(/*strict=*/true);
  setTorchFailureInjection(1.0, 1);
  std::string err = errorOf([&] { run(*plan); });
  EXPECT_EQ(err.rfind("torch region 0 failed (strict mode): ", 0), 0u) << err;
}

TEST_F(TorchRuntime, AutoModeMatchesPure) {
  CompileOptions opts;
  opts.mode = Mode::Auto;
  opts.partition.fuseElementwise = false; // counts every node (fused: below)
  auto plan = compile(*g_, opts);
  std::vector<double> got = run(*plan), want = expected_.toDoubles();
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_NEAR(got[i], want[i], 1e-4) << i;
  EXPECT_EQ(plan->stats().pureNodes + plan->stats().torchNodes, 5);
  // With fusion (the default) the pure elementwise nodes may become one
  // fused node; the values stay the same.
  opts.partition.fuseElementwise = true;
  auto fused = compile(*g_, opts);
  got = run(*fused);
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_NEAR(got[i], want[i], 1e-4) << i;
  EXPECT_LE(fused->stats().pureNodes + fused->stats().torchNodes, 5);
}

} // namespace
} // namespace duet

#endif // DUET_HAVE_TORCH
