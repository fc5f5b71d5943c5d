//===- tests/tools/tune_command_test.cpp - `duet tune` end to end ---------===//
#include "cli_util.h"

#include "backends/torch_backend.h"
#include "passes/cost_profile.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <optional>

using namespace duet;
using duet::test::example;
using duet::test::runDuet;
using duet::test::TempDir;

namespace {

bool contains(const std::string &haystack, const std::string &needle) {
  return haystack.find(needle) != std::string::npos;
}

void write(const std::string &path, const std::string &text) { std::ofstream(path) << text; }

/// Sets an environment variable for the lifetime of the object (children
/// started by runDuet inherit it).
class ScopedEnv {
public:
  ScopedEnv(const char *name, const std::string &value) : name_(name) {
    if (const char *old = std::getenv(name))
      old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_)
      setenv(name_, old_->c_str(), 1);
    else
      unsetenv(name_);
  }

private:
  const char *name_;
  std::optional<std::string> old_;
};

/// add: torch wins from 1667 elements; matmul n >= 80 (see cost_fit_test).
CostProfile handProfile() {
  CostProfile p = CostProfile::defaults();
  p.setOpCost("add", Backend::Pure, {0, 0, 1e-10});
  p.setOpCost("add", Backend::Torch, {1e-6, 0, 0.5e-10});
  p.setOpCost("matmul", Backend::Pure, {0, 1.0 / 50e9, 0});
  p.setOpCost("matmul", Backend::Torch, {10e-6, 1.0 / 100e9, 0});
  p.fit["add"]["pure"] = {0.031, 7};
  p.fit["add"]["torch"] = {0.052, 7};
  return p;
}

TEST(TuneCommand, QuickRunWritesALoadableProfile) {
  TempDir dir("tune");
  std::string out = dir / "sub/profile.json"; // parent directories are created
  auto r = runDuet("tune --ops add,matmul --quick --max-points 2 --point-ms 2 --no-progress -o '" +
                   out + "' --samples '" + (dir / "s.csv") + "'");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "measured 2 ops")) << r.out;
  EXPECT_TRUE(contains(r.out, out)) << r.out;
  EXPECT_EQ(r.err, ""); // --no-progress, not stale
  CostProfile p = CostProfile::load(out);
  ASSERT_EQ(p.fit.size(), 2u);
  EXPECT_EQ(p.fit.at("matmul").at("pure").points, 2);
  for (const char *key : {"cpu", "cores", "torch", "openblas_threads", "isa", "compiler", "duet",
                          "tuned", "tune_mode"})
    EXPECT_TRUE(p.machine.count(key)) << key;
  // Every measured point is in the CSV: header + 2 ops x 2 points x backends.
  std::ifstream csv(dir / "s.csv");
  int lines = 0;
  for (std::string l; std::getline(csv, l);)
    ++lines;
  EXPECT_EQ(lines, 1 + 4 * (torchBackend() ? 2 : 1));
}

TEST(TuneCommand, ProgressIsPlainLinesWhenNotATerminal) {
  TempDir dir("tune");
  auto r =
      runDuet("tune --ops relu --quick --max-points 1 --point-ms 1 -o '" + (dir / "p.json") + "'");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "tune: ")) << r.err;
  EXPECT_TRUE(contains(r.err, "ETA")) << r.err;
  EXPECT_FALSE(contains(r.err, "\r")) << r.err;
}

TEST(TuneCommand, RejectsBadOptions) {
  auto r = runDuet("tune --ops add,frobnicate -o /dev/null");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_TRUE(contains(r.err, "--ops: unknown op 'frobnicate'")) << r.err;
  r = runDuet("tune --ops input -o /dev/null");
  EXPECT_TRUE(contains(r.err, "'input' is not measured")) << r.err;
  r = runDuet("tune --show a.json --quick");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_TRUE(contains(r.err, "only apply when measuring")) << r.err;
}

TEST(TuneCommand, ShowReportsHandComputedCrossovers) {
  TempDir dir("tune");
  handProfile().save(dir / "p.json");
  auto r = runDuet("tune --show '" + (dir / "p.json") + "'");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  auto lineOf = [&](const std::string &op) {
    size_t at = r.out.find("\n" + op + " ");
    EXPECT_NE(at, std::string::npos) << op << " missing in\n" << r.out;
    return at == std::string::npos ? "" : r.out.substr(at + 1, r.out.find('\n', at + 1) - at - 1);
  };
  std::string add = lineOf("add"), matmul = lineOf("matmul");
  EXPECT_TRUE(contains(add, "numel >= 1667")) << add;
  EXPECT_TRUE(contains(add, "3.1% / 5.2%")) << add;
  // Standalone: + region launch 1us + 3 conversions (defaults: 0.3 us and
  // 1e-15 s/byte each, 12n bytes): n (6e-10 - 1.2e-14) > 2.9e-6, n > 4833.4.
  EXPECT_TRUE(contains(add, "numel >= 4834")) << add;
  EXPECT_TRUE(contains(matmul, "n >= 80 (numel 6400)")) << matmul;
  EXPECT_TRUE(contains(matmul, "(defaults)")) << matmul; // no fit entry

  // Columns line up: each starts where its header does, after a blank.
  size_t header = r.out.find("\nop ");
  ASSERT_NE(header, std::string::npos) << r.out;
  std::string head = r.out.substr(header + 1, r.out.find('\n', header + 1) - header - 1);
  std::vector<size_t> starts;
  for (const char *col : {"size", "torch wins from", "standalone", "fit error"})
    starts.push_back(head.find(col));
  for (std::string op : {"add", "matmul", "conv2d", "layer_norm"}) {
    std::string line = lineOf(op);
    for (size_t at : starts) {
      ASSERT_LT(at, line.size()) << line;
      EXPECT_EQ(line[at - 1], ' ') << "column at " << at << " overflows in\n" << line;
      EXPECT_NE(line[at], ' ') << line;
    }
  }
  // Zero-copy conversions read as such, not as "0ns/GB".
  EXPECT_FALSE(contains(r.out, "0ns/GB")) << r.out;
  EXPECT_TRUE(contains(r.out, "copies ~free (zero-copy)")) << r.out; // 1e-15 s/byte
}

TEST(TuneCommand, DiffFindsChangedOpsAndPartitions) {
  TempDir dir("tune");
  CostProfile a = handProfile();
  a.setOpCost("matmul", Backend::Torch, {1e6, 0, 0}); // torch never wins
  CostProfile b = a;
  b.setOpCost("matmul", Backend::Torch, {0, 0, 0}); // torch always wins
  b.machine["torch_threads"] = "7";
  a.save(dir / "a.json");
  b.save(dir / "b.json");
  auto r = runDuet("tune --diff '" + (dir / "a.json") + "' '" + (dir / "b.json") +
                   "' --examples '" + std::string(DUET_SOURCE_DIR) + "/examples'");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "torch_threads: - -> 7")) << r.out;
  EXPECT_TRUE(contains(r.out, "ops: 1 changed")) << r.out;
  EXPECT_TRUE(contains(r.out, "matmul: torch wins from never -> always")) << r.out;
  EXPECT_FALSE(contains(r.out, "\n  add:")) << r.out; // unchanged
  // mlp's two matmuls move to torch; cnn has none.
  EXPECT_TRUE(contains(r.out, "mlp.duet: ")) << r.out;
  EXPECT_TRUE(contains(r.out, "%0 matmul f32[32,256]: pure -> torch")) << r.out;
  EXPECT_TRUE(contains(r.out, "cnn.duet: same partition")) << r.out;
  // Same profile twice: nothing changes.
  r = runDuet("tune --diff '" + (dir / "a.json") + "' '" + (dir / "a.json") + "' --examples '" +
              std::string(DUET_SOURCE_DIR) + "/examples'");
  EXPECT_TRUE(contains(r.out, "ops: 0 changed")) << r.out;
  EXPECT_FALSE(contains(r.out, "change backend")) << r.out;
}

TEST(TuneCommand, CorruptProfilesNameTheField) {
  TempDir dir("tune");
  write(dir / "bad.json", R"({"format": "duet-cost-profile", "version": 1,
    "ops": {"matmul": {"torch": {"overhead_s": -1}}}})");
  write(dir / "cut.json", R"({"format": "duet-cost-profile", "vers)");
  write(dir / "v9.json", R"({"format": "duet-cost-profile", "version": 9})");
  for (const std::string &cmd :
       std::vector<std::string>{"tune --show", "dump " + example("mlp.duet") + " --profile"}) {
    auto r = runDuet(cmd + " '" + (dir / "bad.json") + "'");
    EXPECT_EQ(r.exitCode, 1) << cmd;
    EXPECT_TRUE(contains(r.err, "bad.json: ops.matmul.torch.overhead_s: expected a non-negative "
                                "number, got -1"))
        << cmd << ": " << r.err;
    r = runDuet(cmd + " '" + (dir / "cut.json") + "'");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.err, "cut.json: not valid JSON")) << r.err;
    r = runDuet(cmd + " '" + (dir / "v9.json") + "'");
    EXPECT_TRUE(contains(r.err, "v9.json: version: unsupported version 9")) << r.err;
  }
  if (!torchBackend())
    return; // run --mode auto needs torch
  auto r =
      runDuet("run " + example("mlp.duet") + " --mode auto --profile '" + (dir / "bad.json") + "'");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_TRUE(contains(r.err, "ops.matmul.torch.overhead_s")) << r.err;
  ScopedEnv env("DUET_PROFILE", dir / "bad.json");
  r = runDuet("dump " + example("mlp.duet") + " --mode auto");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_TRUE(contains(r.err, "ops.matmul.torch.overhead_s")) << r.err;
  // Pure mode never reads the profile.
  r = runDuet("run " + example("mlp.duet") + " --mode pure");
  EXPECT_EQ(r.exitCode, 0) << r.err;
}

TEST(TuneCommand, StaleProfilesWarnWhereverTheyAreLoaded) {
  if (!torchBackend())
    GTEST_SKIP() << "auto mode needs the torch backend";
  TempDir dir("tune");
  CostProfile p = handProfile();
  p.machine["tuned"] = "2024-01-01T00:00:00+0000";
  p.machine["torch_threads"] = "999";
  p.save(dir / "p.json");
  const std::string want = "is stale: it was measured under other settings (torch_threads: "
                           "profile 999, now ";
  auto r =
      runDuet("dump " + example("mlp.duet") + " --mode auto --profile '" + (dir / "p.json") + "'");
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_TRUE(contains(r.err, want)) << r.err;
  r = runDuet("run " + example("mlp.duet") + " --mode auto --profile '" + (dir / "p.json") + "'");
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_TRUE(contains(r.err, want)) << r.err;
  r = runDuet("tune --show '" + (dir / "p.json") + "'");
  EXPECT_TRUE(contains(r.out, "stale: torch_threads: profile 999")) << r.out;
  {
    ScopedEnv env("DUET_PROFILE", dir / "p.json");
    r = runDuet("run " + example("mlp.duet") + " --mode auto");
    EXPECT_TRUE(contains(r.err, want)) << r.err;
  }
  // A fresh profile says nothing.
  p.machine.erase("torch_threads");
  p.save(dir / "fresh.json");
  r = runDuet("run " + example("mlp.duet") + " --mode auto --profile '" + (dir / "fresh.json") +
              "'");
  EXPECT_EQ(r.err, "");
}

TEST(TuneCommand, ProfileSourcesAreReportedByDump) {
  if (!torchBackend())
    GTEST_SKIP() << "auto mode needs the torch backend";
  TempDir dir("tune");
  handProfile().save(dir / "p.json");
  auto r =
      runDuet("dump " + example("mlp.duet") + " --mode auto --profile '" + (dir / "p.json") + "'");
  EXPECT_TRUE(contains(r.out, "mode auto, profile " + (dir / "p.json"))) << r.out;
  // The XDG default location, written by `duet tune` without -o.
  ScopedEnv xdg("XDG_CONFIG_HOME", dir.path().string());
  ScopedEnv noEnv("DUET_PROFILE", "");
  auto t = runDuet("tune --ops relu --quick --max-points 1 --point-ms 1 --no-progress");
  ASSERT_EQ(t.exitCode, 0) << t.err;
  EXPECT_TRUE(contains(t.out, dir / "duet/profile.json")) << t.out;
  r = runDuet("dump " + example("mlp.duet") + " --mode auto");
  EXPECT_TRUE(contains(r.out, "profile " + (dir / "duet/profile.json"))) << r.out;
}

} // namespace
