//===- tests/runtime/params_test.cpp - initial parameter values -----------===//
#include "backends/runtime/params.h"
#include "test_util.h"

#include <cmath>

namespace duet {
namespace {

std::unique_ptr<Graph> graphWithParams(const std::vector<std::pair<std::string, TensorType>> &ps) {
  auto g = std::make_unique<Graph>("p");
  for (const auto &[name, type] : ps)
    g->addParam(name, type);
  return g;
}

TEST(Params, DeterministicPerSeedAndName) {
  auto g = test::makeMlp(2, 16, 8, 4);
  ParamStore a = initParams(*g, 123), b = initParams(*g, 123), c = initParams(*g, 124);
  ASSERT_EQ(a.size(), 4u);
  for (const auto &[name, buf] : a) {
    EXPECT_EQ(buf.type(), g->findNamed(name)->type()) << name;
    EXPECT_EQ(buf.toDoubles(), b.at(name).toDoubles()) << name;
    EXPECT_NE(buf.toDoubles(), c.at(name).toDoubles()) << name;
  }
  // Parameters with the same shape but different names differ.
  auto two = graphWithParams({{"u", {DType::F32, {4, 4}}}, {"v", {DType::F32, {4, 4}}}});
  ParamStore uv = initParams(*two, 5);
  EXPECT_NE(uv.at("u").toDoubles(), uv.at("v").toDoubles());
}

TEST(Params, AddingAParamDoesNotChangeTheOthers) {
  auto one = graphWithParams({{"w1", {DType::F32, {3, 5}}}});
  auto two = graphWithParams({{"w0", {DType::F32, {3, 5}}}, {"w1", {DType::F32, {3, 5}}}});
  EXPECT_EQ(initParams(*one, 9).at("w1").toDoubles(), initParams(*two, 9).at("w1").toDoubles());
}

TEST(Params, PyTorchLikeRanges) {
  auto g = graphWithParams({
      {"fc.weight", {DType::F32, {10, 16}}},        // fan_in 16 -> bound 0.25
      {"conv.weight", {DType::F64, {4, 2, 3, 3}}},  // fan_in 18
      {"fc.bias", {DType::F32, {10}}},              // small uniform
      {"bn.running_var", {DType::F32, {6}}},        // ones
      {"bn.running_mean", {DType::F32, {6}}},       // small uniform
      {"ln.weight", {DType::F32, {6}}},             // ones (norm scale)
      {"ln_gamma", {DType::F32, {6}}},              // ones
      {"table", {DType::I64, {3}}},                 // zeros
  });
  ParamStore p = initParams(*g, 0);
  auto checkUniform = [&](const std::string &name, double bound) {
    std::vector<double> v = p.at(name).toDoubles();
    double maxAbs = 0, sum = 0;
    for (double x : v) {
      EXPECT_LE(std::abs(x), bound) << name;
      maxAbs = std::max(maxAbs, std::abs(x));
      sum += x;
    }
    EXPECT_GT(maxAbs, 0.6 * bound) << name; // actually spread over the range
    EXPECT_LT(std::abs(sum / v.size()), 0.5 * bound) << name; // roughly centred
  };
  checkUniform("fc.weight", 0.25);
  checkUniform("conv.weight", 1.0 / std::sqrt(18.0));
  checkUniform("fc.bias", 0.1);
  checkUniform("bn.running_mean", 0.1);
  for (const char *ones : {"bn.running_var", "ln.weight", "ln_gamma"})
    EXPECT_EQ(p.at(ones).toDoubles(), std::vector<double>(6, 1.0)) << ones;
  EXPECT_EQ(p.at("table").toDoubles(), std::vector<double>(3, 0.0));
}

} // namespace
} // namespace duet
