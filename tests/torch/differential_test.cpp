//===- tests/torch/differential_test.cpp - every op: pure vs torch -------===//
//
// For each row of the op table, several random graphs are run by the pure
// interpreter node by node and by the torch backend as one region, and the
// results must agree (exactly for i64/bool, within a dtype tolerance for
// floats). A failure prints the graph and its input values.
//
#include "backends/pure/interpreter.h"
#include "backends/torch_backend.h"
#include "ir/error.h"
#include "tests/torch/case_builder.h"

#include <fmt/format.h>

#include <cstdlib>
#include <sstream>
#include <unordered_map>

namespace duet::test {

namespace {

/// Random graphs per case; DUET_DIFF_TRIALS=N runs a longer soak.
int trials() {
  static const int n = [] {
    const char *env = std::getenv("DUET_DIFF_TRIALS");
    return env && std::atoi(env) > 0 ? std::atoi(env) : 6;
  }();
  return n;
}

std::vector<OpCase> allCases() {
  std::vector<OpCase> all = elementwiseCases();
  for (auto part : {structuralCases(), nnCases(), gradCases()})
    all.insert(all.end(), part.begin(), part.end());
  return all;
}

/// The graph and its input values, for failure messages.
std::string describeCase(CaseBuilder &b) {
  std::ostringstream os;
  os << b.graph().str();
  for (size_t i = 0; i < b.inputs().size(); ++i) {
    std::vector<double> v = b.buffers()[i].toDoubles();
    if (v.size() > 24)
      v.resize(24);
    os << fmt::format("  %{} = [{:.9g}]{}\n", b.inputs()[i]->name(), fmt::join(v, ", "),
                      b.buffers()[i].numel() > 24 ? " ..." : "");
  }
  return os.str();
}

/// Runs every non-input node with the pure interpreter.
std::vector<Buffer> runPure(CaseBuilder &b, const std::vector<Node *> &outs) {
  std::unordered_map<const Node *, Buffer> values;
  for (size_t i = 0; i < b.inputs().size(); ++i)
    values[b.inputs()[i]] = b.buffers()[i];
  for (const Node *n : b.graph().nodes()) {
    if (n->op() == OpKind::Input)
      continue;
    std::vector<Buffer> operands;
    for (const Node *in : n->inputs())
      operands.push_back(values.at(in));
    values[n] = evalPureNode(*n, operands);
  }
  std::vector<Buffer> r;
  for (const Node *n : outs)
    r.push_back(values.at(n));
  return r;
}

/// Runs the whole graph as one torch region.
std::vector<Buffer> runTorch(CaseBuilder &b, const std::vector<Node *> &outs,
                             ConversionStats &stats) {
  TorchRegion region;
  for (const Node *n : b.graph().nodes())
    if (n->op() != OpKind::Input)
      region.nodes.push_back(n);
  region.inputs.assign(b.inputs().begin(), b.inputs().end());
  region.outputs.assign(outs.begin(), outs.end());
  return torchBackend()->runRegion(region, b.buffers(), stats);
}

/// The op a case exercises: the longest op name that prefixes its name
/// ("max_pool2d_f32" -> max_pool2d, "log_f32_nonpositive" -> log).
std::string opOfCase(const std::string &caseName) {
  std::string best;
  for (const OpInfo &info : allOps()) {
    std::string prefix = std::string(info.name) + "_";
    if (caseName.compare(0, prefix.size(), prefix) == 0 && info.name.size() > best.size())
      best = info.name;
  }
  return best;
}

/// Runs one variant on trials() random graphs.
void runCase(const OpCase &c) {
  SCOPED_TRACE("case " + c.name);
  uint64_t seed = std::hash<std::string>{}(c.name);
  int done = 0, attempts = 0;
  int64_t compared = 0;
  while (done < trials() && attempts < trials() * 10) {
    CaseBuilder b(seed + static_cast<uint64_t>(attempts++) * 0x9e3779b9ULL);
    std::vector<Node *> outs;
    try {
      outs = c.build(b);
    } catch (const Error &) {
      continue; // invalid random configuration: draw another
    }
    ++done;
    std::vector<Buffer> ref, got;
    try {
      ref = runPure(b, outs);
    } catch (const std::exception &e) {
      ADD_FAILURE() << "pure failed: " << e.what() << "\n" << describeCase(b);
      continue;
    }
    ConversionStats stats;
    try {
      got = runTorch(b, outs, stats);
    } catch (const std::exception &e) {
      ADD_FAILURE() << "torch failed: " << e.what() << "\n" << describeCase(b);
      continue;
    }
    ASSERT_EQ(got.size(), outs.size());
    for (size_t i = 0; i < outs.size(); ++i) {
      compared += got[i].numel();
      ::testing::AssertionResult same = buffersMatch(ref[i], got[i], c.tolScale);
      EXPECT_TRUE(same) << describeCase(b);
      if (!same)
        break;
    }
    // Conversions happen only at the region boundary.
    EXPECT_EQ(stats.conversions, static_cast<int64_t>(b.inputs().size() + outs.size()));
  }
  EXPECT_EQ(done, trials()) << "the case's generator rarely makes a valid graph";
  EXPECT_GT(compared, 0) << "every trial produced an empty result";
}

/// One visible test per op of ops.def (graph inputs and params are fed, not
/// computed), running every variant of the table for that op. (One per op,
/// not per variant: CTest runs each test in its own process, and a LibTorch
/// process takes ~0.6 s to start.) Collectives never run in a torch region
/// (tests/distributed/ checks all_reduce against single-process training).
std::vector<std::string> testedOps() {
  std::vector<std::string> ops;
  for (const OpInfo &info : allOps())
    if (info.kind != OpKind::Input && info.kind != OpKind::Param &&
        info.category != OpCategory::Collective)
      ops.emplace_back(info.name);
  return ops;
}

class Differential : public ::testing::TestWithParam<std::string> {};

TEST_P(Differential, MatchesPure) {
  ASSERT_NE(torchBackend(), nullptr);
  int variants = 0;
  for (const OpCase &c : allCases())
    if (opOfCase(c.name) == GetParam()) {
      ++variants;
      runCase(c);
    }
  EXPECT_GT(variants, 0) << "no differential case for op " << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Ops, Differential, ::testing::ValuesIn(testedOps()),
                         [](const ::testing::TestParamInfo<std::string> &info) {
                           return info.param;
                         });

} // namespace
} // namespace duet::test
