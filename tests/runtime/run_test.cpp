//===- tests/runtime/run_test.cpp - compiling and running in pure mode ----===//
#include "backends/runtime/compile.h"
#include "backends/runtime/mode_setting.h"
#include "backends/runtime/params.h"
#include "backends/torch_backend.h"
#include "ir/error.h"
#include "ir/parser.h"
#include "test_util.h"

#include <cmath>

namespace duet {
namespace {

using test::errorOf;

CompileOptions pureOptions() {
  CompileOptions opts;
  opts.mode = Mode::Pure;
  return opts;
}

Buffer mlpInput(int64_t batch, int64_t in) {
  return test::makeBuffer({DType::F32, {batch, in}},
                          [](int64_t i) { return std::sin(0.37 * i) * 2.0; });
}

TEST(Run, PureMlpMatchesNaiveLoops) {
  auto g = test::makeMlp(4, 7, 9, 3);
  ParamStore params = initParams(*g, 42);
  Buffer x = mlpInput(4, 7);
  CompileOptions opts = pureOptions();
  opts.partition.fuseElementwise = false; // one step per node (fusion: fused_test.cpp)
  auto plan = compile(*g, opts);
  std::vector<Buffer> out = plan->run(std::span<const Buffer>(&x, 1), params);
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].type(), (TensorType{DType::F32, {4, 3}}));
  std::vector<double> want = test::naiveMlp(x, params);
  std::vector<double> got = out[0].toDoubles();
  int positives = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_NEAR(got[i], want[i], 1e-5) << "element " << i;
    positives += want[i] != 0;
  }
  EXPECT_GT(positives, 0); // the comparison is not vacuous

  // Every compute node ran on the interpreter, one step each.
  const RunStats &s = plan->stats();
  EXPECT_EQ(s.pureNodes, 5);
  EXPECT_EQ(s.torchNodes, 0);
  EXPECT_EQ(s.regions, 0);
  ASSERT_EQ(s.steps.size(), 5u);
  EXPECT_EQ(s.steps[0].label, "%0 matmul");
  EXPECT_EQ(s.steps[2].label, "%2 relu");
  EXPECT_EQ(s.steps[0].backend, "pure");
  for (Node *n : plan->graph().nodes()) {
    if (!n->isSource()) {
      EXPECT_EQ(n->backend(), Backend::Pure);
    }
  }

  // A second run with new inputs reuses the plan.
  Buffer x2 = test::makeBuffer({DType::F32, {4, 7}}, [](int64_t i) { return 0.1 * i - 1; });
  got = plan->run(std::span<const Buffer>(&x2, 1), params)[0].toDoubles();
  want = test::naiveMlp(x2, params);
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_NEAR(got[i], want[i], 1e-5);
}

TEST(Run, ParsedGraphWithConstantsAndSeveralOutputs) {
  auto g = parseGraph(R"(graph f(%x: f32[2,2]) {
  %c = constant() {value=[0.5]} : f32[]
  %0 = mul(%x, %c) : f32[2,2]
  %1 = neg(%0) : f32[2,2]
  return %1, %0, %x
})");
  Buffer x = Buffer::fromVector<float>({2, 2}, {1, -2, 3, -4});
  auto plan = compile(*g, pureOptions());
  std::vector<Buffer> out = plan->run(std::span<const Buffer>(&x, 1), {});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].toDoubles(), (std::vector<double>{-0.5, 1, -1.5, 2}));
  EXPECT_EQ(out[1].toDoubles(), (std::vector<double>{0.5, -1, 1.5, -2}));
  // Returning an input returns that very buffer.
  EXPECT_EQ(out[2].raw(), x.raw());
}

TEST(Run, InputAndParamErrorsNameTheValue) {
  auto g = test::makeMlp(32, 784, 16, 10);
  auto plan = compile(*g, pureOptions());
  ParamStore params = initParams(*g, 1);
  Buffer good = Buffer::allocate({DType::F32, {32, 784}});
  Buffer wrongShape = Buffer::allocate({DType::F32, {32, 785}});
  Buffer wrongType = Buffer::allocate({DType::F64, {32, 784}});

  EXPECT_EQ(errorOf([&] { plan->run(std::span<const Buffer>(&wrongShape, 1), params); }),
            "input 'x' (#0): expected f32[32,784], got f32[32,785]");
  EXPECT_EQ(errorOf([&] { plan->run(std::span<const Buffer>(&wrongType, 1), params); }),
            "input 'x' (#0): expected f32[32,784], got f64[32,784]");
  EXPECT_EQ(errorOf([&] { plan->run({}, params); }), "graph 'mlp' takes 1 input (x), got 0");
  Buffer empty;
  EXPECT_EQ(errorOf([&] { plan->run(std::span<const Buffer>(&empty, 1), params); }),
            "input 'x' (#0): expected f32[32,784], got an empty buffer");

  ParamStore missing = params;
  missing.erase("w1");
  EXPECT_EQ(errorOf([&] { plan->run(std::span<const Buffer>(&good, 1), missing); }),
            "missing param 'w1' (f32[784,16])");
  ParamStore badShape = params;
  badShape["b1"] = Buffer::allocate({DType::F32, {17}});
  EXPECT_EQ(errorOf([&] { plan->run(std::span<const Buffer>(&good, 1), badShape); }),
            "param 'b1': expected f32[16], got f32[17]");
  // Extra entries in the store are fine (a model may hold more).
  ParamStore extra = params;
  extra["unused"] = Buffer::allocate({DType::F32, {1}});
  EXPECT_EQ(plan->run(std::span<const Buffer>(&good, 1), extra).size(), 1u);
}

TEST(Run, CompileReportListsPasses) {
  auto g = test::makeMlp(2, 3, 4, 5);
  CompileOptions opts = pureOptions();
  opts.pipeline = "verify,dce";
  std::string dumps;
  opts.printAfter = "dce";
  opts.printSink = [&](const std::string &s) { dumps += s; };
  auto plan = compile(*g, opts);
  std::string report = plan->compileReport();
  EXPECT_NE(report.find("mode pure"), std::string::npos) << report;
  EXPECT_NE(report.find("verify"), std::string::npos) << report;
  EXPECT_NE(report.find("dce"), std::string::npos) << report;
  EXPECT_NE(dumps.find("*** IR Dump After dce ***"), std::string::npos) << dumps;
  EXPECT_EQ(dumps.find("After verify"), std::string::npos) << dumps;
}

TEST(Run, BadPipelineAndTorchWithoutTorchAreErrors) {
  auto g = test::makeMlp(2, 3, 4, 5);
  CompileOptions opts = pureOptions();
  opts.pipeline = "verify,no-such-pass";
  EXPECT_NE(errorOf([&] { compile(*g, opts); }).find("unknown pass 'no-such-pass'"),
            std::string::npos);
  if (torchBackend())
    GTEST_SKIP() << "this build has a torch backend";
  for (Mode m : {Mode::Torch, Mode::Auto}) {
    CompileOptions t;
    t.mode = m;
    EXPECT_EQ(errorOf([&] { compile(*g, t); }), kNoTorchMessage);
  }
}

TEST(Run, CompileDoesNotTouchTheCallersGraph) {
  auto g = test::makeMlp(2, 3, 4, 5);
  const std::string before = g->str();
  auto plan = compile(*g, pureOptions());
  EXPECT_EQ(g->str(), before);
  EXPECT_NE(&plan->graph(), g.get());
}

} // namespace
} // namespace duet
