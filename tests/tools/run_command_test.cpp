//===- tests/tools/run_command_test.cpp - `duet run` end to end -----------===//
#include "cli_util.h"

#include "backends/npy.h"
#include "frontend/frontend.h"
#include "backends/runtime/params.h"
#include "ir/graph.h"
#include "ir/parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>

using namespace duet;
using duet::test::example;
using duet::test::runDuet;
using duet::test::TempDir;

namespace {

bool contains(const std::string &haystack, const std::string &needle) {
  return haystack.find(needle) != std::string::npos;
}

Buffer patterned(Shape shape, double scale, int salt) {
  Buffer b = Buffer::allocate(DType::F32, std::move(shape));
  for (int64_t i = 0; i < b.numel(); ++i)
    b.data<float>()[i] = static_cast<float>(scale * (((i * 37 + salt) % 19) - 9) / 9.0);
  return b;
}

/// logits = relu(x @ w1 + b1) @ w2 + b2, with naive loops in double.
std::vector<double> naiveMlp(const Buffer &x, const Buffer &w1, const Buffer &b1, const Buffer &w2,
                             const Buffer &b2) {
  int64_t n = x.shape()[0], k = x.shape()[1], h = w1.shape()[1], o = w2.shape()[1];
  const float *xp = x.data<float>(), *w1p = w1.data<float>(), *w2p = w2.data<float>();
  std::vector<double> hidden(n * h), out(n * o);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < h; ++j) {
      double acc = b1.at(j);
      for (int64_t p = 0; p < k; ++p)
        acc += double(xp[i * k + p]) * w1p[p * h + j];
      hidden[i * h + j] = acc > 0 ? acc : 0;
    }
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < o; ++j) {
      double acc = b2.at(j);
      for (int64_t p = 0; p < h; ++p)
        acc += hidden[i * h + p] * w2p[p * o + j];
      out[i * o + j] = acc;
    }
  return out;
}

void expectNear(const Buffer &got, const std::vector<double> &want, double tol) {
  ASSERT_EQ(got.numel(), static_cast<int64_t>(want.size()));
  for (size_t i = 0; i < want.size(); ++i)
    ASSERT_NEAR(got.at(static_cast<int64_t>(i)), want[i], tol) << "element " << i;
}

TEST(DuetRun, PrintsOutputSummary) {
  auto r = runDuet("run '" + example("mlp.duet") + "'");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "%logits = f32[32,10]")) << r.out;
  EXPECT_TRUE(contains(r.out, " min ") && contains(r.out, " max ") && contains(r.out, " mean "))
      << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(DuetRun, MlpOutputsMatchIndependentReference) {
  TempDir dir("mlp");
  Buffer x = patterned({32, 784}, 1.0, 5);
  writeNpy(dir / "x.npy", x);
  auto r =
      runDuet("run '" + example("mlp.duet") + "' --input '" + (dir / "x.npy") +
              "' --seed 3 --save-params '" + (dir / "params") + "' -o '" + (dir / "out") + "'");
  ASSERT_EQ(r.exitCode, 0) << r.err;

  // The parameters it used are initParams(graph, 3), and were saved.
  auto g = parseGraphFile(example("mlp.duet"));
  ParamStore expected = initParams(*g, 3);
  ParamStore saved;
  for (const char *name : {"w1", "b1", "w2", "b2"}) {
    saved[name] = readNpy(dir / ("params/" + std::string(name) + ".npy"));
    EXPECT_EQ(saved[name].toDoubles(), expected[name].toDoubles()) << name;
  }
  Buffer logits = readNpy(dir / "out/logits.npy");
  ASSERT_EQ(logits.type(), (TensorType{DType::F32, {32, 10}}));
  expectNear(logits, naiveMlp(x, saved["w1"], saved["b1"], saved["w2"], saved["b2"]), 1e-4);
}

TEST(DuetRun, HandMadeParamsAndNamedInput) {
  TempDir dir("params");
  std::filesystem::create_directories(dir.path() / "p");
  Buffer w1 = patterned({784, 256}, 0.05, 1), b1 = patterned({256}, 0.1, 2);
  Buffer w2 = patterned({256, 10}, 0.1, 3), b2 = patterned({10}, 1.0, 4);
  writeNpy(dir / "p/w1.npy", w1);
  writeNpy(dir / "p/b1.npy", b1);
  writeNpy(dir / "p/w2.npy", w2);
  writeNpy(dir / "p/b2.npy", b2);
  Buffer x = patterned({32, 784}, 2.0, 9);
  writeNpy(dir / "x.npy", x);
  auto r = runDuet("run '" + example("mlp.duet") + "' --mode pure --input 'x=" + (dir / "x.npy") +
                   "' --params '" + (dir / "p") + "' -o '" + (dir / "out") + "'");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  expectNear(readNpy(dir / "out/logits.npy"), naiveMlp(x, w1, b1, w2, b2), 1e-4);

  // NAME= also overrides a single parameter.
  Buffer zeroW2 = Buffer::allocate(DType::F32, {256, 10});
  writeNpy(dir / "w2.npy", zeroW2);
  r = runDuet("run '" + example("mlp.duet") + "' --input 'x=" + (dir / "x.npy") + "' --params '" +
              (dir / "p") + "' --input 'w2=" + (dir / "w2.npy") + "' -o '" + (dir / "out2") + "'");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  std::vector<double> onlyBias;
  for (int i = 0; i < 32; ++i)
    for (int j = 0; j < 10; ++j)
      onlyBias.push_back(b2.at(j));
  expectNear(readNpy(dir / "out2/logits.npy"), onlyBias, 1e-6);
}

TEST(DuetRun, OtherExamplesRun) {
  for (const char *file : {"cnn.duet", "transformer_block.duet"}) {
    auto r = runDuet("run '" + example(file) + "' --stats");
    EXPECT_EQ(r.exitCode, 0) << file << ": " << r.err;
    EXPECT_TRUE(contains(r.out, " = f32[")) << r.out;
    EXPECT_TRUE(contains(r.out, "regions")) << r.out; // the --stats table
  }
}

TEST(DuetRun, SameSeedSameOutputs) {
  TempDir dir("seed");
  auto a = runDuet("run '" + example("cnn.duet") + "' --seed 11 -o '" + (dir / "a") + "'");
  auto b = runDuet("run '" + example("cnn.duet") + "' --seed 11 -o '" + (dir / "b") + "'");
  auto c = runDuet("run '" + example("cnn.duet") + "' --seed 12 -o '" + (dir / "c") + "'");
  ASSERT_EQ(a.exitCode + b.exitCode + c.exitCode, 0) << a.err << b.err << c.err;
  auto va = readNpy(dir / "a/logits.npy").toDoubles();
  EXPECT_EQ(va, readNpy(dir / "b/logits.npy").toDoubles());
  EXPECT_NE(va, readNpy(dir / "c/logits.npy").toDoubles());
}

TEST(DuetRun, MalformedFileReportsLocation) {
  TempDir dir("bad");
  std::string path = dir / "bad.duet";
  std::ofstream(path) << "graph g(%x: f32[2]) {\n  %0 = relu(%x) : f32[3]\n  return %0\n}\n";
  auto r = runDuet("run '" + path + "'");
  EXPECT_NE(r.exitCode, 0);
  EXPECT_TRUE(contains(r.err, path + ":2:")) << r.err;
  EXPECT_TRUE(contains(r.err, "error")) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST(DuetRun, UnknownFlagIsHelpful) {
  auto r = runDuet("run '" + example("mlp.duet") + "' --bogus");
  EXPECT_NE(r.exitCode, 0);
  EXPECT_TRUE(contains(r.err, "--bogus")) << r.err;
  EXPECT_TRUE(contains(r.err, "--help")) << r.err;
  r = runDuet("frobnicate");
  EXPECT_NE(r.exitCode, 0);
  EXPECT_TRUE(contains(r.err, "frobnicate")) << r.err;
}

TEST(DuetRun, InputErrorsAreClear) {
  TempDir dir("inerr");
  auto r = runDuet("run '" + example("mlp.duet") + "' --input '" + (dir / "missing.npy") + "'");
  EXPECT_NE(r.exitCode, 0);
  EXPECT_TRUE(contains(r.err, "duet: error:") && contains(r.err, "missing.npy")) << r.err;

  writeNpy(dir / "small.npy", Buffer::allocate(DType::F32, {2, 3}));
  r = runDuet("run '" + example("mlp.duet") + "' --input '" + (dir / "small.npy") + "'");
  EXPECT_NE(r.exitCode, 0);
  EXPECT_TRUE(contains(r.err, "f32[32,784]") && contains(r.err, "f32[2,3]")) << r.err;

  r = runDuet("run '" + example("mlp.duet") + "' --input 'y=" + (dir / "small.npy") + "'");
  EXPECT_NE(r.exitCode, 0);
  EXPECT_TRUE(contains(r.err, "'y'") && contains(r.err, "x: f32[32,784]")) << r.err;

  r = runDuet("run '" + (dir / "nothere.duet") + "'");
  EXPECT_NE(r.exitCode, 0);
  EXPECT_TRUE(contains(r.err, "nothere.duet")) << r.err;

  r = runDuet("run '" + example("mlp.duet") + "' --threshold nosuchop=5");
  EXPECT_NE(r.exitCode, 0);
  EXPECT_TRUE(contains(r.err, "nosuchop")) << r.err;
}

TEST(DuetRun, OutOfRangeNumbersStateTheRule) {
  auto r = runDuet("run '" + example("mlp.duet") + "' --repeat 0");
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_TRUE(contains(r.err, "--repeat: must be an integer >= 1, got 0")) << r.err;
  EXPECT_LT(r.err.size(), 200u) << r.err; // not DBL_MAX spelled out
  r = runDuet("run '" + example("mlp.duet") + "' --min-region-us -1");
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_TRUE(contains(r.err, "--min-region-us: must be a number >= 0, got -1")) << r.err;
  r = runDuet("run '" + example("mlp.duet") + "' --min-region-us lots");
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_TRUE(contains(r.err, "--min-region-us: must be a number >= 0, got lots")) << r.err;
}

TEST(DuetRun, HelpDocumentsEveryFlag) {
  auto r = runDuet("run --help");
  ASSERT_EQ(r.exitCode, 0);
  for (const char *flag : {"--input", "--seed", "--output-dir", "--mode", "--strict", "--stats",
                           "--threshold", "--params", "--save-params", "--print-after", "--repeat"})
    EXPECT_TRUE(contains(r.out, flag)) << flag;
  r = runDuet("--help");
  ASSERT_EQ(r.exitCode, 0);
  EXPECT_TRUE(contains(r.out, "run")) << r.out;
}

} // namespace

namespace {

TEST(DuetRun, RunsAGraphSavedByGraphBuilder) {
  TempDir dir("saved");
  GraphBuilder b("saved");
  Tensor x = b.input("x", DType::F32, {4, 6});
  Tensor w = b.param("w", DType::F32, {6, 3});
  Tensor y = tanh(matmul(x, w)) * 0.5;
  b.setName(y, "y");
  Program prog = b.build({y});
  prog.save(dir / "saved.duet");

  ParamStore params{{"w", patterned({6, 3}, 0.7, 1)}};
  std::filesystem::create_directories(dir.path() / "p");
  writeNpy(dir / "p/w.npy", params["w"]);
  Buffer xb = patterned({4, 6}, 1.0, 2);
  writeNpy(dir / "x.npy", xb);
  auto r = runDuet("run '" + (dir / "saved.duet") + "' --input '" + (dir / "x.npy") +
                   "' --params '" + (dir / "p") + "' -o '" + (dir / "out") + "'");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "%y = f32[4,3]")) << r.out;
  std::vector<double> want;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 3; ++j) {
      double acc = 0;
      for (int k = 0; k < 6; ++k)
        acc += xb.at(i * 6 + k) * params["w"].at(k * 3 + j);
      want.push_back(std::tanh(acc) * 0.5);
    }
  expectNear(readNpy(dir / "out/y.npy"), want, 1e-5);
  expectNear(prog.run({xb}, params)[0], want, 1e-5);
}

} // namespace

namespace {

// A safetensors file beside the graph that lacks a parameter: the error
// names the parameter and the file searched (it used to say only "missing
// param").
TEST(RunCommand, AParameterMissingFromTheSafetensorsNamesTheFile) {
  TempDir dir("run_params");
  std::ofstream(dir / "m.duet") << "graph m(%x: f32[2,4]) params(%w: f32[4,5], %b: f32[5]) {\n"
                                   "  %0 = matmul(%x, %w) : f32[2,5]\n"
                                   "  %1 = add(%0, %b) : f32[2,5]\n"
                                   "  return %1\n}\n";
  nn::saveSafetensors(dir / "m.safetensors", {{"b", patterned({5}, 1.0, 1)}});
  auto r = runDuet("run '" + (dir / "m.duet") + "' --mode pure");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_EQ(r.err, "duet: error: parameter 'w' (f32[4,5]) is not in " + (dir / "m.safetensors") +
                       " (it holds b)\n");
}

// --warmup/--repeat time the steady state apart from the first run.
TEST(RunCommand, WarmupAndRepeatReportMedianAndMinApartFromTheFirstRun) {
  auto one = runDuet("run " + example("mlp.duet") + " --mode pure");
  ASSERT_EQ(one.exitCode, 0) << one.err;
  EXPECT_TRUE(contains(one.out, "ran in ")) << one.out;
  EXPECT_TRUE(contains(one.out, "(the first run;")) << one.out;
  auto r = runDuet("run " + example("mlp.duet") + " --mode pure --warmup 2 --repeat 5");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_TRUE(contains(r.out, ": first run ")) << r.out;
  EXPECT_TRUE(contains(r.out, " ms; then median ")) << r.out;
  EXPECT_TRUE(contains(r.out, " ms of 5 runs (after 2 warm-up)\n")) << r.out;
  // min <= median
  double median = std::stod(r.out.substr(r.out.find("median ") + 7));
  double min = std::stod(r.out.substr(r.out.find(", min ") + 6));
  EXPECT_LE(min, median) << r.out;
}

// Which cost profile a run used is said, as `duet dump` does.
TEST(RunCommand, SaysWhichProfileItUsed) {
#ifndef DUET_HAVE_TORCH
  GTEST_SKIP() << "auto mode needs LibTorch";
#endif
  TempDir dir("run_profile"); // an empty config dir: no default profile
  const char *xdg = std::getenv("XDG_CONFIG_HOME"), *profile = std::getenv("DUET_PROFILE");
  std::string savedXdg = xdg ? xdg : "", savedProfile = profile ? profile : "";
  setenv("XDG_CONFIG_HOME", dir.path().c_str(), 1);
  unsetenv("DUET_PROFILE");
  auto r = runDuet("run " + example("mlp.duet") + " --mode auto");
  xdg ? setenv("XDG_CONFIG_HOME", savedXdg.c_str(), 1) : unsetenv("XDG_CONFIG_HOME");
  if (profile)
    setenv("DUET_PROFILE", savedProfile.c_str(), 1);
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "mode auto, profile shipped defaults: ")) << r.out;
  auto pure = runDuet("run " + example("mlp.duet") + " --mode pure");
  EXPECT_FALSE(contains(pure.out, "profile")) << pure.out; // pure reads no profile
}

} // namespace

namespace {

// `duet run` compiles through the plan cache, so --stats reports it (it
// showed "0 hits, 0 misses" whatever happened).
TEST(RunCommand, StatsReportThePlanCache) {
  auto r = runDuet("run " + example("mlp.duet") + " --mode pure --stats");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "plan cache:   0 hits, 1 miss\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "total:")) << r.out;
}

} // namespace
