//===- tests/reliability/limits_test.cpp - sizes duet refuses up front ------===//
#include "reliability_util.h"

#include "backends/npy.h"
#include "backends/runtime/compile.h"
#include "backends/runtime/memory_budget.h"
#include "backends/runtime/plan.h"
#include "ir/graph.h"
#include "ir/parser.h"
#include "passes/cost_profile.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace duet::reliability {
namespace {

// -- shape arithmetic ---------------------------------------------------------

TEST(ShapeLimits, InferredResultTooLargeIsAnErrorNamingTheOp) {
  Graph g("g");
  Node *a = g.addInput("a", {DType::F32, {int64_t(1) << 40, 1}});
  Node *b = g.addInput("b", {DType::F32, {int64_t(1) << 40}});
  // Each operand is 4 TiB; the broadcast result would be 2^80 elements.
  std::string msg = errorOf([&] { g.addChecked(OpKind::Add, {a, b}); });
  EXPECT_EQ(msg, "add: shape [1099511627776,1099511627776] has more elements than fit in 64 bits");
}

TEST(ShapeLimits, MatmulBatchBroadcastOverflow) {
  Graph g("g");
  Node *a = g.addInput("a", {DType::F32, {int64_t(1) << 31, 1, 2, 2}});
  Node *b = g.addInput("b", {DType::F32, {int64_t(1) << 31, 2, 2}});
  // [2^31, 2^31, 2, 2] has 2^64 elements.
  EXPECT_EQ(errorOf([&] {
              g.addChecked(OpKind::Matmul, {a, b});
            }),
            "matmul: shape [2147483648,2147483648,2,2] has more elements than fit in 64 bits");
}

TEST(ShapeLimits, ByteSizeOverflowEvenWhenElementCountFits) {
  Graph g("g");
  Node *x = g.addInput("x", {DType::Bool, {int64_t(1) << 62}});
  // 2^62 bools fit; as f64 they would be 2^65 bytes.
  Attributes attrs;
  attrs.set("dtype", std::string("f64"));
  EXPECT_EQ(errorOf([&] { g.addChecked(OpKind::Cast, {x}, attrs); }),
            "cast: tensor f64[4611686018427387904] is too large");
}

TEST(ShapeLimits, ConvAndPoolWindowArithmeticDoesNotOverflow) {
  // Attribute values near INT64_MAX must give a clean error, not UB.
  const char *text = "graph g(%x: f32[1,1,8,8]) params(%w: f32[1,1,3,3]) {\n"
                     "  %y = conv2d(%x, %w) {padding=[4611686018427387904,0]} : f32[1,1,6,6]\n"
                     "  return %y\n}\n";
  EXPECT_EQ(errorOf([&] { parseGraph(text, "g.duet"); }),
            "g.duet:2:8: error: conv2d: output size is too large");
  text = "graph g(%x: f32[1,1,8,8]) {\n"
         "  %y = max_pool2d(%x) {kernel=[2,2], dilation=[9223372036854775807,1]} : f32[1,1,4,4]\n"
         "  return %y\n}\n";
  EXPECT_EQ(errorOf([&] { parseGraph(text, "g.duet"); }),
            "g.duet:2:8: error: max_pool2d: window of size 2 (dilation 9223372036854775807) does "
            "not fit input size 8 with padding 0");
}

TEST(ShapeLimits, ReshapeTargetOverflow) {
  const char *text = "graph g(%x: f32[4]) {\n"
                     "  %y = reshape(%x) {shape=[4294967296,4294967296,-1]} : f32[4]\n"
                     "  return %y\n}\n";
  EXPECT_EQ(errorOf([&] { parseGraph(text, "g.duet"); }),
            "g.duet:2:8: error: reshape: target shape [4294967296,4294967296,-1] is too large");
}

TEST(ShapeLimits, DeclaredTypeTooLarge) {
  EXPECT_EQ(errorOf([] {
              parseGraph("graph g(%x: f32[4611686018427387904]) {\n  return %x\n}\n", "g.duet");
            }),
            "g.duet:1:13: error: tensor f32[4611686018427387904] is too large");
}

// -- parser input size --------------------------------------------------------

TEST(ParserLimits, HugeFileIsRejectedBeforeReading) {
  TempDir dir;
  const std::string path = dir.file("huge.duet");
  writeFile(path, "graph g() {\n  return\n}\n");
  // Sparse: no disk is used, and the parser must not read it.
  std::filesystem::resize_file(path, kMaxGraphTextBytes + 1);
  EXPECT_EQ(errorOf([&] { parseGraphFile(path); }),
            path + ":1:1: error: graph text is 268435457 bytes, more than the limit of 268435456 "
                   "bytes");
}

TEST(ParserLimits, LongAttributeListsAreBounded) {
  std::string list = "[";
  for (int i = 0; i <= (1 << 20); ++i)
    list += "0,";
  list += "0]";
  std::string text =
      "graph g() {\n  %c = constant() {value=" + list + "} : f32[1]\n  return %c\n}\n";
  std::string msg = errorOf([&] { parseGraph(text, "g.duet"); });
  EXPECT_NE(msg.find("attribute list is longer than 1048576 elements"), std::string::npos) << msg;
}

TEST(ParserLimits, DeepNestingInAProfileDoesNotOverflowTheStack) {
  // nlohmann's parser and destructor are iterative: a million brackets are
  // a clean error (the top level must be an object), not a stack overflow.
  std::string deep(1000000, '[');
  deep += std::string(1000000, ']');
  EXPECT_EQ(errorOf([&] { CostProfile::fromJson(deep, "deep.json"); }),
            "deep.json: expected a JSON object at the top level");
}

// -- .npy sizes ---------------------------------------------------------------

TEST(NpyLimits, HugeShapeInTheHeaderAllocatesNothing) {
  const std::string bytes = readFile(DUET_SOURCE_DIR "/fuzz/corpus/npy/huge_shape.npy");
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(errorOf([&] {
              parseNpy(std::span(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()),
                       "h.npy");
            }),
            "h.npy: shape [9223372036854775807,2] is too large");
}

TEST(NpyLimits, ParseNpyMatchesReadNpy) {
  const std::string path = DUET_SOURCE_DIR "/fuzz/corpus/npy/f32_2x3.npy";
  const std::string bytes = readFile(path);
  Buffer a = readNpy(path);
  Buffer b =
      parseNpy(std::span(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()), path);
  ASSERT_EQ(a.type(), (TensorType{DType::F32, {2, 3}}));
  ASSERT_EQ(b.type(), a.type());
  for (int64_t i = 0; i < 6; ++i) {
    EXPECT_EQ(a.at(i), static_cast<double>(i)); // the file holds arange(6)
    EXPECT_EQ(b.at(i), a.at(i));
  }
}

// -- memory budget ------------------------------------------------------------

TEST(MemoryBudget, ParseByteSize) {
  EXPECT_EQ(parseByteSize("8GiB"), int64_t(8) << 30);
  EXPECT_EQ(parseByteSize("512 MiB"), int64_t(512) << 20);
  EXPECT_EQ(parseByteSize("1.5gb"), int64_t(1500000000));
  EXPECT_EQ(parseByteSize("4096"), 4096);
  EXPECT_EQ(parseByteSize("1e9"), int64_t(1000000000));
  EXPECT_EQ(parseByteSize("40B"), 40);
  EXPECT_EQ(parseByteSize("2k"), 2000);
  EXPECT_EQ(parseByteSize("lots"), std::nullopt);
  EXPECT_EQ(parseByteSize("-1GiB"), std::nullopt);
  EXPECT_EQ(parseByteSize("8 parsecs"), std::nullopt);
  EXPECT_EQ(parseByteSize("1e30"), std::nullopt);
  EXPECT_EQ(parseByteSize(""), std::nullopt);
}

// x: 400 B, w: 400 B; a = x*w 400 B (x, w stay: sources), b = relu(a) 400 B,
// a dies after b; c = sum(b) 4 B, b dies. Peak: 400+400+400+400 = 1600 B.
const char *kChain = "graph chain(%x: f32[100]) params(%w: f32[100]) {\n"
                     "  %a = mul(%x, %w) : f32[100]\n"
                     "  %b = relu(%a) : f32[100]\n"
                     "  %c = sum(%b) : f32[]\n"
                     "  return %c\n}\n";

TEST(MemoryBudget, PeakIsComputedFromLiveness) {
  auto g = parseGraph(kChain);
  EXPECT_EQ(estimatePeakBytes(*g), 1600);
  // The same values all returned: nothing dies, 400*4 + 4.
  auto all = parseGraph("graph chain(%x: f32[100]) params(%w: f32[100]) {\n"
                        "  %a = mul(%x, %w) : f32[100]\n"
                        "  %b = relu(%a) : f32[100]\n"
                        "  %c = sum(%b) : f32[]\n"
                        "  return %a, %b, %c\n}\n");
  EXPECT_EQ(estimatePeakBytes(*all), 1604);
}

TEST(MemoryBudget, CompileRejectsBeforeAllocating) {
  auto g = parseGraph(kChain);
  CompileOptions opts;
  opts.mode = Mode::Pure;
  opts.memoryLimitBytes = 1599;
  EXPECT_EQ(errorOf([&] { compile(*g, opts); }),
            "graph 'chain' needs more memory than the memory limit of 1.6 KiB (DUET_MEMORY_LIMIT "
            "or CompileOptions::memoryLimitBytes): node %b (relu f32[100], 400 B) brings live "
            "tensors to 1.6 KiB");
  opts.memoryLimitBytes = 1600;
  auto plan = compile(*g, opts);
  std::mt19937 rng(1);
  std::vector<Buffer> in = {randomBuffer({DType::F32, {100}}, rng)};
  ParamStore params = {{"w", randomBuffer({DType::F32, {100}}, rng)}};
  Buffer c = plan->run(in, params).at(0);
  double expect = 0;
  for (int i = 0; i < 100; ++i)
    expect += std::max(0.0, double(in[0].data<float>()[i]) * params["w"].data<float>()[i]);
  EXPECT_NEAR(c.at(0), expect, 1e-4);
}

// KB is 1000 bytes when parsed; what is printed says KiB (1024), so the two
// never disagree (100KB printed as "97.7 KiB", not as "97.7 KB").
TEST(MemoryBudget, DecimalAndBinaryUnitsAreNamedApart) {
  EXPECT_EQ(parseByteSize("100KB"), 100000);
  EXPECT_EQ(parseByteSize("100KiB"), 102400);
  auto g = parseGraph(kChain);
  CompileOptions opts;
  opts.mode = Mode::Pure;
  opts.memoryLimitBytes = *parseByteSize("1KB");
  std::string msg = errorOf([&] { compile(*g, opts); });
  EXPECT_NE(msg.find("the memory limit of 1000 B"), std::string::npos) << msg;
  EXPECT_EQ(formatBytes(100000), "97.7 KiB");
}

TEST(MemoryBudget, HugeInputIsNamed) {
  auto g =
      parseGraph("graph big(%x: f32[1000000,1000000]) {\n  %y = relu(%x) : f32[1000000,1000000]\n"
                 "  return %y\n}\n");
  CompileOptions opts;
  opts.mode = Mode::Pure;
  opts.memoryLimitBytes = int64_t(8) << 30;
  EXPECT_EQ(errorOf([&] { compile(*g, opts); }),
            "graph 'big' needs more memory than the memory limit of 8.0 GiB (DUET_MEMORY_LIMIT or "
            "CompileOptions::memoryLimitBytes): input %x (f32[1000000,1000000] 3725.3 GiB) brings "
            "inputs, params and constants to 3725.3 GiB");
}

TEST(MemoryBudget, DefaultsToPhysicalMemoryAndReadsTheEnvironment) {
  ::unsetenv("DUET_MEMORY_LIMIT");
  int64_t physical = memoryLimitFromEnvironment();
  EXPECT_GT(physical, int64_t(64) << 20);
  EXPECT_EQ(defaultCompileOptions().memoryLimitBytes, physical);
  ::setenv("DUET_MEMORY_LIMIT", "3MiB", 1);
  EXPECT_EQ(defaultCompileOptions().memoryLimitBytes, 3 << 20);
  ::setenv("DUET_MEMORY_LIMIT", "none", 1);
  EXPECT_EQ(memoryLimitFromEnvironment(), 0);
  ::setenv("DUET_MEMORY_LIMIT", "12 apples", 1);
  EXPECT_EQ(errorOf([] { memoryLimitFromEnvironment(); }),
            "DUET_MEMORY_LIMIT='12 apples': expected a size like 8GiB, 512MiB or 1000000 (bytes), "
            "or 'none'");
  ::unsetenv("DUET_MEMORY_LIMIT");
}

TEST(MemoryBudget, TheShippedExamplesFitUnderOneGiB) {
  for (const char *name : {"mlp.duet", "cnn.duet", "transformer_block.duet"}) {
    auto g = parseGraphFile(std::string(DUET_SOURCE_DIR "/examples/") + name);
    int64_t peak = estimatePeakBytes(*g);
    EXPECT_GT(peak, 0) << name;
    EXPECT_LT(peak, int64_t(1) << 30) << name;
    CompileOptions opts;
    opts.memoryLimitBytes = peak;
    EXPECT_NO_THROW(compile(*g, opts)) << name;
    opts.memoryLimitBytes = peak - 1;
    EXPECT_THROW(compile(*g, opts), Error) << name;
  }
}

} // namespace
} // namespace duet::reliability
