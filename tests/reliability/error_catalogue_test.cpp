//===- tests/reliability/error_catalogue_test.cpp - docs/errors.md, asserted ===//
//
// One test per class of bad input listed in docs/errors.md, each checking
// the exact message duet gives (and, for the CLI, the exit status). When a
// message changes on purpose, change docs/errors.md with it.
//
#include "reliability_util.h"

#include "backends/npy.h"
#include "backends/runtime/compile.h"
#include "backends/runtime/params.h"
#include "backends/runtime/plan.h"
#include "backends/torch_backend.h"
#include "ir/graph.h"
#include "ir/parser.h"
#include "passes/cost_profile.h"

#include <gtest/gtest.h>

namespace duet::reliability {
namespace {

std::string parseMessage(const std::string &text, const std::string &file) {
  try {
    parseGraph(text, file);
  } catch (const ParseError &e) {
    return e.what();
  }
  ADD_FAILURE() << "parsed:\n" << text;
  return "";
}

const char *kRelu23 = "graph g(%x: f32[2,3]) {\n  %y = relu(%x) : f32[2,3]\n  return %y\n}\n";

// -- graph text ---------------------------------------------------------------

TEST(ErrorCatalogue, MalformedTextHasFileLineColumn) {
  const std::string text = "graph g(%x: f32[2]) {\n  %y = relu(%x) : f32[2\n  return %y\n}\n";
  try {
    parseGraph(text, "bad.duet");
    FAIL() << "parsed";
  } catch (const ParseError &e) {
    EXPECT_EQ(e.file(), "bad.duet");
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.col(), 3);
    EXPECT_STREQ(e.what(),
                 "bad.duet:3:3: error: expected ']' after the dimensions, found 'return'");
  }
}

TEST(ErrorCatalogue, UnknownOp) {
  EXPECT_EQ(parseMessage("graph g(%x: f32[2]) {\n  %y = frobnicate(%x) : f32[2]\n  return %y\n}\n",
                         "g.duet"),
            "g.duet:2:8: error: unknown op 'frobnicate'");
}

TEST(ErrorCatalogue, BadAttributeValue) {
  EXPECT_EQ(parseMessage("graph g(%x: f32[1,1,8,8]) params(%w: f32[1,1,3,3]) {\n"
                         "  %y = conv2d(%x, %w) {stride=[0,1]} : f32[1,1,6,6]\n  return %y\n}\n",
                         "g.duet"),
            "g.duet:2:8: error: conv2d: attribute 'stride' must be >= 1, got [0,1]");
}

TEST(ErrorCatalogue, UnknownAttribute) {
  EXPECT_EQ(parseMessage("graph g(%x: f32[2]) {\n  %y = relu(%x) {slope=0.1} : f32[2]\n"
                         "  return %y\n}\n",
                         "g.duet"),
            "g.duet:2:8: error: relu: unknown attribute 'slope' (relu takes no attributes)");
}

TEST(ErrorCatalogue, ShapeMismatch) {
  EXPECT_EQ(parseMessage("graph g(%a: f32[2,3], %b: f32[4,5]) {\n"
                         "  %y = matmul(%a, %b) : f32[2,5]\n  return %y\n}\n",
                         "g.duet"),
            "g.duet:2:8: error: matmul: contraction dimensions differ: f32[2,3] and f32[4,5] "
            "(3 vs 4)");
  EXPECT_EQ(parseMessage("graph g(%a: f32[2], %b: f32[3]) {\n"
                         "  %y = add(%a, %b) : f32[3]\n  return %y\n}\n",
                         "g.duet"),
            "g.duet:2:8: error: add: shapes f32[2] and f32[3] are not broadcastable");
}

TEST(ErrorCatalogue, DTypeMismatch) {
  EXPECT_EQ(parseMessage("graph g(%a: f32[2], %b: i64[2]) {\n"
                         "  %y = add(%a, %b) : f32[2]\n  return %y\n}\n",
                         "g.duet"),
            "g.duet:2:8: error: add: dtype mismatch f32 vs i64");
}

TEST(ErrorCatalogue, DeclaredTypeDisagreesWithInferred) {
  EXPECT_EQ(
      parseMessage("graph g(%a: f32[2]) {\n  %y = relu(%a) : f64[2]\n  return %y\n}\n", "g.duet"),
      "g.duet:2:19: error: declared type f64[2] does not match inferred f32[2] for relu");
}

TEST(ErrorCatalogue, MissingGraphFile) {
  EXPECT_EQ(errorOf([] { parseGraphFile("/nonexistent/g.duet"); }),
            "cannot open graph file '/nonexistent/g.duet'");
  TempDir dir;
  EXPECT_EQ(errorOf([&] { parseGraphFile(dir.path().string()); }),
            "cannot open graph file '" + dir.path().string() + "': it is a directory");
}

// -- running a plan -----------------------------------------------------------

std::shared_ptr<Plan> compilePure(const Graph &g) {
  CompileOptions opts;
  opts.mode = Mode::Pure;
  return compile(g, opts);
}

TEST(ErrorCatalogue, WrongInputCountAtRunTime) {
  auto g = parseGraph(kRelu23);
  auto plan = compilePure(*g);
  Buffer x = Buffer::allocate(TensorType{DType::F32, {2, 3}});
  std::vector<Buffer> two = {x, x};
  EXPECT_EQ(errorOf([&] { plan->run(two, {}); }), "graph 'g' takes 1 input (x), got 2");
  EXPECT_EQ(errorOf([&] { plan->run({}, {}); }), "graph 'g' takes 1 input (x), got 0");
}

TEST(ErrorCatalogue, WrongInputShapeOrDTypeAtRunTime) {
  auto g = parseGraph(kRelu23);
  auto plan = compilePure(*g);
  std::vector<Buffer> in = {Buffer::allocate(TensorType{DType::F32, {3}})};
  EXPECT_EQ(errorOf([&] { plan->run(in, {}); }), "input 'x' (#0): expected f32[2,3], got f32[3]");
  in = {Buffer::allocate(TensorType{DType::F64, {2, 3}})};
  EXPECT_EQ(errorOf([&] { plan->run(in, {}); }), "input 'x' (#0): expected f32[2,3], got f64[2,3]");
}

TEST(ErrorCatalogue, MissingParamAtRunTime) {
  auto g = parseGraph("graph g(%x: f32[2]) params(%b: f32[2]) {\n  %y = add(%x, %b) : f32[2]\n"
                      "  return %y\n}\n");
  auto plan = compilePure(*g);
  std::vector<Buffer> in = {Buffer::allocate(TensorType{DType::F32, {2}})};
  EXPECT_EQ(errorOf([&] { plan->run(in, {}); }), "missing param 'b' (f32[2])");
}

// -- .npy files ---------------------------------------------------------------

TEST(ErrorCatalogue, MissingNpy) {
  EXPECT_EQ(errorOf([] { readNpy("/nonexistent/x.npy"); }),
            "/nonexistent/x.npy: cannot open: No such file or directory");
}

TEST(ErrorCatalogue, TruncatedNpy) {
  const std::string good = readFile(DUET_SOURCE_DIR "/fuzz/corpus/npy/f32_2x3.npy");
  ASSERT_EQ(good.size(), 128u + 24u);
  TempDir dir;
  writeFile(dir.file("t.npy"), good.substr(0, good.size() - 5));
  EXPECT_EQ(errorOf([&] { readNpy(dir.file("t.npy")); }),
            dir.file("t.npy") + ": truncated: header says 24 bytes of data, file has 19");
  writeFile(dir.file("h.npy"), good.substr(0, 40));
  EXPECT_EQ(errorOf([&] { readNpy(dir.file("h.npy")); }),
            dir.file("h.npy") + ": truncated: header says it is 118 bytes, file has 30 after the "
                                "preamble");
  writeFile(dir.file("m.npy"), "PK\x03\x04 this is a zip file");
  EXPECT_EQ(errorOf([&] { readNpy(dir.file("m.npy")); }),
            dir.file("m.npy") + ": not a .npy file (bad magic)");
}

// -- cost profiles ------------------------------------------------------------

TEST(ErrorCatalogue, BadCostProfile) {
  EXPECT_EQ(errorOf([] { CostProfile::fromJson("[1, 2", "p.json"); }).substr(0, 24),
            "p.json: not valid JSON: ");
  EXPECT_EQ(errorOf([] {
              CostProfile::fromJson(R"({"format": "duet-cost-profile", "version": 1,
                  "ops": {"matmul": {"torch": {"overhead_s": -1}}}})",
                                    "p.json");
            }),
            "p.json: ops.matmul.torch.overhead_s: expected a non-negative number, got -1");
}

// -- the command line ---------------------------------------------------------

class CliErrors : public ::testing::Test {
protected:
  void SetUp() override { writeFile(dir_.file("g.duet"), kRelu23); }
  TempDir dir_;
  CliResult duet(const std::string &args, const std::string &env = "") {
    return runDuet(args, env, dir_.path().string());
  }
};

TEST_F(CliErrors, UnknownOption) {
  CliResult r = duet("run g.duet --frobnicate");
  EXPECT_EQ(r.exitCode, 2); // a usage error (CLI11's own code was 109)
  EXPECT_EQ(r.err, "duet: error: The following argument was not expected: --frobnicate\n"
                   "Run 'duet run --help' for more information.\n");
}

TEST_F(CliErrors, BadOptionValue) {
  CliResult r = duet("run g.duet --mode fast");
  EXPECT_EQ(r.exitCode, 2); // was CLI11's 105
  EXPECT_EQ(r.err, "duet: error: --mode: fast not in {pure,torch,auto}\n"
                   "Run 'duet run --help' for more information.\n");
}

// Each numeric flag's error is one short line: the flag, the value, the rule
// (CLI11's own check printed DBL_MAX in full), and a usage error exits 2.
TEST_F(CliErrors, NumericFlagsStateTheRule) {
  CliResult r = duet("run g.duet --threads 0");
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_EQ(r.err, "duet: error: --threads: must be an integer >= 1, got 0\n"
                   "Run 'duet run --help' for more information.\n");
  r = duet("run g.duet --repeat 1.5");
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("--repeat: must be an integer >= 1, got 1.5\n"), std::string::npos) << r.err;
  r = duet("dump g.duet --min-region-saving 2");
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("--min-region-saving: must be a number from 0 to 1, got 2\n"),
            std::string::npos)
      << r.err;
  r = duet("run g.duet --warmup lots");
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("--warmup: must be an integer >= 0, got lots\n"), std::string::npos)
      << r.err;
  r = duet("run g.duet --seed -1");
  EXPECT_EQ(r.exitCode, 2);
  for (std::string cmd :
       {"run g.duet --threads 0", "run g.duet --repeat 1.5", "dump g.duet --min-region-us -1"}) {
    r = duet(cmd);
    EXPECT_LT(r.err.size(), 160u) << cmd << ": " << r.err;
  }
}

TEST_F(CliErrors, UsageErrorsExit2AndHelpIsThere) {
  CliResult r = duet("");
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("Usage: duet"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("run"), std::string::npos) << r.err;
  r = duet("run"); // a missing argument
  EXPECT_EQ(r.exitCode, 2) << r.err;
  r = duet("run g.duet extra.duet"); // an extra one
  EXPECT_EQ(r.exitCode, 2) << r.err;
  r = duet("dump g.duet --threshold matmul"); // our own flag check
  EXPECT_EQ(r.exitCode, 2) << r.err;
  r = duet("dump g.duet --collapse --no-collapse");
  EXPECT_EQ(r.exitCode, 2) << r.err;
  r = duet("help dump");
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(r.out.find("--explain"), std::string::npos) << r.out;
  r = duet("help frob");
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("unknown command 'frob'"), std::string::npos) << r.err;
  // Each command's --help ends with its own examples.
  for (std::string cmd : {"run", "dump", "tune", "import", "launch"}) {
    r = duet(cmd + " --help");
    EXPECT_EQ(r.exitCode, 0) << cmd;
    size_t examples = r.out.rfind("Example");
    ASSERT_NE(examples, std::string::npos) << cmd << ":\n" << r.out;
    std::string tail = r.out.substr(examples);
    EXPECT_NE(tail.find("duet " + cmd + " "), std::string::npos) << cmd << ":\n" << tail;
  }
}

TEST_F(CliErrors, VersionNamesTheBuild) {
  CliResult r = duet("--version");
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(r.out.rfind("duet 0.", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("(commit "), std::string::npos) << r.out;
#ifdef DUET_HAVE_TORCH
  EXPECT_NE(r.out.find("torch backend: LibTorch 1."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("torch BLAS:"), std::string::npos) << r.out;
#else
  EXPECT_NE(r.out.find("torch backend: pure-only"), std::string::npos) << r.out;
#endif
  EXPECT_NE(r.out.find("pure backend:  Eigen 3."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("DUET_NATIVE="), std::string::npos) << r.out;
}

TEST_F(CliErrors, PrintAfterAnUnknownPass) {
  CliResult r = duet("run g.duet --mode pure --print-after bogus");
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_EQ(r.err.rfind("duet: error: --print-after bogus: not a pass of the pipeline; it runs "
                        "verify, ",
                        0),
            0u)
      << r.err;
  EXPECT_EQ(r.out, ""); // nothing ran
}

TEST_F(CliErrors, MissingParamsAndProfilesSayWhy) {
  CliResult r = duet("run g.duet --params /nonexistent");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_EQ(r.err, "duet: error: --params /nonexistent: no such file or directory\n");
  r = duet("run g.duet --params g.duet");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("--params g.duet: not a directory"), std::string::npos) << r.err;
#ifdef DUET_HAVE_TORCH
  r = duet("run g.duet --mode auto --profile /nonexistent.json");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_EQ(r.err, "duet: error: cannot read cost profile '/nonexistent.json': No such file or "
                   "directory\n");
#endif
}

TEST_F(CliErrors, UnknownCommand) {
  CliResult r = duet("frob g.duet");
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_EQ(r.err.substr(0, r.err.find("(commands: ")), "duet: error: unknown command 'frob' ");
  EXPECT_NE(r.err.find("(commands: run, dump, tune, launch, import)"), std::string::npos) << r.err;
  // The list grows with the commands (run, dump, tune, ...).
  EXPECT_EQ(r.err.substr(r.err.find(")\n") + 2), "Run 'duet --help' for more information.\n");
}

TEST_F(CliErrors, ParseErrorKeepsFileLineColumn) {
  writeFile(dir_.file("bad.duet"), "graph g(%x: f32[2]) {\n  %y = frobnicate(%x) : f32[2]\n"
                                   "  return %y\n}\n");
  CliResult r = duet("run bad.duet");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_EQ(r.err, "bad.duet:2:8: error: unknown op 'frobnicate'\n");
}

TEST_F(CliErrors, MissingInputFile) {
  CliResult r = duet("run g.duet -i missing.npy");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_EQ(r.err, "duet: error: missing.npy: cannot open: No such file or directory\n");
}

TEST_F(CliErrors, InputFileOfTheWrongShape) {
  std::filesystem::copy_file(DUET_SOURCE_DIR "/fuzz/corpus/npy/i8_vec.npy", dir_.file("v.npy"));
  CliResult r = duet("run g.duet -i v.npy");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_EQ(r.err, "duet: error: input 'x' is declared f32[2,3], but v.npy holds i64[3]\n");
  // An int32 array is named as the file has it, not as the i64 it is read as.
  std::filesystem::copy_file(DUET_SOURCE_DIR "/fuzz/corpus/npy/i4_vec.npy", dir_.file("w.npy"));
  r = duet("run g.duet -i w.npy");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_EQ(r.err, "duet: error: input 'x' is declared f32[2,3], but w.npy holds i32[3] (read as "
                   "i64[3])\n");
  r = duet("run g.duet -i y=v.npy");
  EXPECT_EQ(r.err, "duet: error: --input y=v.npy: graph 'g' has no input named 'y' (inputs: x: "
                   "f32[2,3])\n");
}

TEST_F(CliErrors, NoTorchBackend) {
#ifdef DUET_HAVE_TORCH
  GTEST_SKIP() << "this build has LibTorch; the pure-only build (build.sh test's second "
                  "configuration) runs this test";
#else
  CliResult r = duet("run g.duet --mode torch");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_EQ(r.err, std::string("duet: error: ") + kNoTorchMessage + "\n");
  r = duet("run g.duet", "DUET_MODE=torch");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_EQ(r.err, std::string("duet: error: ") + kNoTorchMessage + "\n");
  auto g = parseGraph(kRelu23);
  CompileOptions opts;
  opts.mode = Mode::Auto;
  EXPECT_EQ(errorOf([&] { compile(*g, opts); }), kNoTorchMessage);
#endif
}

TEST_F(CliErrors, NoGraphviz) {
  // An empty PATH: the shell finds duet by its absolute path, duet finds no `dot`.
  CliResult r = duet("dump g.duet --format svg -o g.svg", "PATH=/nonexistent");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_EQ(r.err, "duet: error: --format svg needs Graphviz's `dot` program, which is not on "
                   "PATH; install Graphviz (e.g. apt-get install graphviz) or use --format dot "
                   "and render the file elsewhere\n");
  EXPECT_FALSE(std::filesystem::exists(dir_.file("g.svg")));
}

TEST_F(CliErrors, GraphOverTheMemoryLimit) {
  CliResult r = duet("run g.duet --mode pure", "DUET_MEMORY_LIMIT=40B");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_EQ(r.err, "duet: error: graph 'g' needs more memory than the memory limit of 40 B "
                   "(DUET_MEMORY_LIMIT or CompileOptions::memoryLimitBytes): node %y (relu "
                   "f32[2,3], 24 B) brings live tensors to 48 B\n");
  r = duet("run g.duet --mode pure", "DUET_MEMORY_LIMIT=lots");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_EQ(r.err, "duet: error: DUET_MEMORY_LIMIT='lots': expected a size like 8GiB, 512MiB or "
                   "1000000 (bytes), or 'none'\n");
  r = duet("run g.duet --mode pure", "DUET_MEMORY_LIMIT=48B");
  EXPECT_EQ(r.exitCode, 0) << r.err;
}

} // namespace
} // namespace duet::reliability
