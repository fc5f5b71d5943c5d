//===- tests/passes/cost_fit_test.cpp - fitting and crossovers ------------===//
#include "ir/error.h"
#include "ir/graph.h"
#include "passes/cost_fit.h"
#include "passes/cost_profile.h"
#include "passes/crossover.h"
#include "passes/op_sweep.h"

#include <gtest/gtest.h>

#include <cmath>

namespace duet {
namespace {

double predict(const OpCost &c, const TimingSample &s) {
  return c.overheadS + s.flops * c.secPerFlop + s.bytes * c.secPerByte;
}

// Flops and bytes that vary independently (a matmul-like and a copy-like
// spread), timed exactly by `truth`, optionally with +-noise.
std::vector<TimingSample> synthetic(const OpCost &truth, double noise = 0) {
  std::vector<TimingSample> out;
  int i = 0;
  for (double n : {16.0, 32.0, 64.0, 128.0, 256.0, 512.0})
    for (double bytesPerFlop : {0.01, 1.0}) {
      TimingSample s;
      s.flops = 2 * n * n * n;
      s.bytes = s.flops * bytesPerFlop;
      double wobble = noise * ((i++ % 3) - 1); // -noise, 0, +noise
      s.seconds = predict(truth, s) * (1 + wobble);
      out.push_back(s);
    }
  return out;
}

TEST(CostFit, RecoversKnownTermsExactly) {
  const OpCost truth{2e-6, 1.0 / 50e9, 1e-10};
  OpFit fit = fitOpCost(synthetic(truth));
  EXPECT_NEAR(fit.cost.overheadS, 2e-6, 2e-6 * 1e-6);
  EXPECT_NEAR(fit.cost.secPerFlop, 1.0 / 50e9, 1.0 / 50e9 * 1e-6);
  EXPECT_NEAR(fit.cost.secPerByte, 1e-10, 1e-10 * 1e-6);
  EXPECT_LT(fit.relRmsError, 1e-9);
  EXPECT_EQ(fit.points, 12);
}

TEST(CostFit, RecoversTermsUnderThreePercentNoise) {
  const OpCost truth{5e-6, 1.0 / 80e9, 3e-11};
  OpFit fit = fitOpCost(synthetic(truth, 0.03));
  EXPECT_NEAR(fit.cost.overheadS, 5e-6, 5e-6 * 0.05);
  EXPECT_NEAR(fit.cost.secPerFlop, 1.0 / 80e9, 1.0 / 80e9 * 0.05);
  EXPECT_NEAR(fit.cost.secPerByte, 3e-11, 3e-11 * 0.10);
  // Noise of 0, +-3% on thirds of the samples: RMS 3 * sqrt(2/3) = 2.45%.
  EXPECT_GT(fit.relRmsError, 0.015);
  EXPECT_LT(fit.relRmsError, 0.035);
}

TEST(CostFit, TermsNeverGoNegative) {
  // Time that falls with bytes: the unconstrained fit would give a negative
  // per-byte term; the constrained one drops it.
  std::vector<TimingSample> s;
  for (int i = 1; i <= 6; ++i)
    s.push_back({1e6 * i, 1e6 * (7 - i), 1e-5 * i - 1e-7 * (7 - i)});
  OpFit fit = fitOpCost(s);
  EXPECT_GE(fit.cost.overheadS, 0);
  EXPECT_GE(fit.cost.secPerFlop, 0);
  EXPECT_EQ(fit.cost.secPerByte, 0);
  EXPECT_GT(fit.cost.secPerFlop, 0);
}

TEST(CostFit, CollinearColumnsGiveAnExactSparseFit) {
  // Elementwise ops: bytes = 12 * flops, so only the sum of the two slopes is
  // determined; the fit picks one term and still predicts exactly.
  std::vector<TimingSample> s;
  for (double n : {1e3, 1e4, 1e5, 1e6})
    s.push_back({n, 12 * n, 1e-6 + 12 * n * 1e-10});
  OpFit fit = fitOpCost(s);
  EXPECT_TRUE(fit.cost.secPerFlop == 0 || fit.cost.secPerByte == 0);
  for (const TimingSample &x : s)
    EXPECT_NEAR(predict(fit.cost, x), x.seconds, x.seconds * 1e-6);
  EXPECT_NEAR(fit.cost.overheadS, 1e-6, 1e-12);
}

TEST(CostFit, NoSamplesNoTerms) {
  OpFit fit = fitOpCost({});
  EXPECT_EQ(fit.cost, OpCost{});
  EXPECT_EQ(fit.points, 0);
}

TEST(CostFit, GeneralSolverChecksItsInput) {
  std::vector<std::vector<double>> rows = {{1, 2}, {1}};
  std::vector<double> y = {1, 2}, w = {1, 1};
  EXPECT_THROW(nonNegativeLeastSquares(rows, y, w), Error);
  std::vector<double> shortW = {1};
  EXPECT_THROW(nonNegativeLeastSquares({{1, 2}, {1, 3}}, y, shortW), Error);
}

TEST(CostFit, RelativeErrorIsTakenAgainstTheMeasurement) {
  OpCost c{0, 0, 1e-9}; // predicts 1.1 ms and 0.9 ms for 1 ms samples
  std::vector<TimingSample> s = {{0, 1.1e6, 1e-3}, {0, 0.9e6, 1e-3}};
  EXPECT_NEAR(relativeRmsError(c, s), 0.1, 1e-9);
}

//===- crossovers, checked by hand -----------------------------------------===//

CostProfile elementwiseProfile() {
  CostProfile p;
  p.setOpCost("add", Backend::Pure, {0, 0, 1e-10});
  p.setOpCost("add", Backend::Torch, {1e-6, 0, 0.5e-10});
  p.regionLaunchS = 1e-6;
  p.convPerValueS = 0.5e-6;
  p.convPerByteS = 0;
  return p;
}

TEST(Crossover, ElementwiseAddByHand) {
  // add of f32[n] + f32[n]: 12n bytes. pure 1.2e-9 n, torch 1e-6 + 6e-10 n:
  // torch wins once 6e-10 n > 1e-6, n > 1666.7.
  CostProfile p = elementwiseProfile();
  Crossover c = findCrossover(p, OpKind::Add);
  EXPECT_EQ(c.kind, Crossover::Kind::At);
  EXPECT_EQ(c.size, 1667);
  EXPECT_EQ(c.threshold, 1667);
  EXPECT_EQ(c.pureAgainSize, 0);
  EXPECT_EQ(describeCrossover(c, OpKind::Add), "numel >= 1667");
  // A lone torch add also pays 1 us launch + 3 conversions of 0.5 us:
  // 6e-10 n > 3.5e-6, n > 5833.3.
  Crossover s = findCrossover(p, OpKind::Add, /*standalone=*/true);
  EXPECT_EQ(s.size, 5834);
}

TEST(Crossover, MatmulByHand) {
  // [n,n] x [n,n]: 2n^3 flops. pure 2n^3/50e9, torch 10us + 2n^3/100e9:
  // torch wins once n^3 > 5e5, n > 79.4.
  CostProfile p;
  p.setOpCost("matmul", Backend::Pure, {0, 1.0 / 50e9, 0});
  p.setOpCost("matmul", Backend::Torch, {10e-6, 1.0 / 100e9, 0});
  Crossover c = findCrossover(p, OpKind::Matmul);
  EXPECT_EQ(c.kind, Crossover::Kind::At);
  EXPECT_EQ(c.size, 80);
  EXPECT_EQ(c.threshold, 6400);
  EXPECT_EQ(describeCrossover(c, OpKind::Matmul), "n >= 80 (numel 6400)");
}

TEST(Crossover, NeverAndAlways) {
  CostProfile p;
  p.setOpCost("relu", Backend::Pure, {50e-9, 0, 1e-10});
  p.setOpCost("relu", Backend::Torch, {1e-6, 0, 1e-10}); // never cheaper
  EXPECT_EQ(findCrossover(p, OpKind::Relu).kind, Crossover::Kind::Never);
  EXPECT_EQ(describeCrossover(findCrossover(p, OpKind::Relu), OpKind::Relu), "never");
  p.setOpCost("relu", Backend::Torch, {10e-9, 0, 0.5e-10}); // always cheaper
  EXPECT_EQ(findCrossover(p, OpKind::Relu).kind, Crossover::Kind::Always);
}

//===- the tuning families ---------------------------------------------------===//

TEST(OpSweep, EveryOpBuildsAtEverySweepPointAndAtAnySize) {
  for (OpKind op : tunableOps()) {
    SCOPED_TRACE(std::string(opName(op)));
    for (bool quick : {true, false}) {
      std::vector<SweepPoint> pts = sweepPoints(op, quick);
      ASSERT_GE(pts.size(), 2u);
      for (const SweepPoint &p : pts) {
        OpCase c = buildOpCase(op, p.size, p.variant);
        ASSERT_NE(c.node, nullptr);
        EXPECT_EQ(c.node->op(), op);
        EXPECT_EQ(c.graph->outputs().size(), 1u);
      }
    }
    // The crossover search visits every size from 1 up.
    int64_t last = 0;
    for (int64_t s : {1, 2, 3, 5, 17, 100, 1000, 4096, 100000}) {
      OpCase c = buildOpCase(op, s);
      int64_t numel = maxOperandNumel(*c.node);
      EXPECT_GE(numel, last) << "size " << s;
      last = numel;
    }
  }
}

TEST(OpSweep, CanonicalFamiliesHaveTheDocumentedShapes) {
  OpCase mm = buildOpCase(OpKind::Matmul, 96);
  EXPECT_EQ(mm.node->type().shape, (Shape{96, 96}));
  OpCase add = buildOpCase(OpKind::Add, 5000);
  EXPECT_EQ(add.node->type().shape, (Shape{5000}));
  OpCase bias = buildOpCase(OpKind::Add, 4096, 1);
  EXPECT_EQ(bias.node->input(1)->type().shape, (Shape{256}));
  OpCase conv = buildOpCase(OpKind::Conv2d, 28);
  EXPECT_EQ(conv.node->type().shape, (Shape{8, 16, 28, 28}));
  EXPECT_THROW(buildOpCase(OpKind::Input, 4), Error);
  EXPECT_THROW(buildOpCase(OpKind::Relu, 4, 1), Error);
}

//===- the fit section of a profile ----------------------------------------===//

TEST(CostProfileFit, RoundTripsAndNamesBadFields) {
  CostProfile p = CostProfile::defaults();
  p.fit["matmul"]["pure"] = {0.042, 7};
  p.fit["add"]["torch"] = {0.5, 3};
  CostProfile q = CostProfile::fromJson(p.toJson(), "p.json");
  EXPECT_EQ(q, p);
  auto errorOf = [](const std::string &fitJson) {
    try {
      CostProfile::fromJson(
          R"({"format": "duet-cost-profile", "version": 1, "fit": )" + fitJson + "}", "p.json");
    } catch (const Error &e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(errorOf(R"({"matmul": {"gpu": {}}})").find("p.json: fit.matmul.gpu: unknown backend"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"matmul": {"pure": {"points": -1}}})")
                .find("fit.matmul.pure.points: expected a non-negative integer"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"matmul": {"pure": {"rel_rms_error": "x"}}})")
                .find("fit.matmul.pure.rel_rms_error"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"frobnicate": {}})").find("fit.frobnicate: unknown op"), std::string::npos);
}

} // namespace
} // namespace duet
