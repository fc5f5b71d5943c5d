//===- tests/passes/pass_manager_test.cpp - PassManager and registry -------===//
#include "ir/error.h"
#include "ir/graph.h"
#include "ir/printer.h"
#include "passes/dce.h"
#include "passes/mode.h"
#include "passes/pass_manager.h"
#include "passes/verify.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

namespace duet {
namespace {

TensorType f32(Shape s) { return {DType::F32, std::move(s)}; }

/// x -> relu -> output, plus a dead exp(x).
std::unique_ptr<Graph> smallGraph() {
  auto g = std::make_unique<Graph>("f");
  Node *x = g->addInput("x", f32({4}));
  Node *r = g->addChecked(OpKind::Relu, {x});
  g->addChecked(OpKind::Exp, {x});
  g->addOutput(r);
  return g;
}

/// Test pass that does nothing but can claim either answer.
class NopPass : public Pass {
public:
  explicit NopPass(std::string name = "nop", bool claim = false, int sleepMs = 0)
      : name_(std::move(name)), claim_(claim), sleepMs_(sleepMs) {}
  std::string_view name() const override { return name_; }
  bool run(Graph &) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(sleepMs_));
    return claim_;
  }

private:
  std::string name_;
  bool claim_;
  int sleepMs_;
};

/// Deliberately breaks the graph: gives the first relu a wrong type.
class BreakTypePass : public Pass {
public:
  explicit BreakTypePass(bool claimChanged) : claim_(claimChanged) {}
  std::string_view name() const override { return "break-type"; }
  bool run(Graph &g) override {
    for (Node *n : g.nodes())
      if (n->op() == OpKind::Relu) {
        n->setType(f32({5}));
        break;
      }
    return claim_;
  }

private:
  bool claim_;
};

TEST(PassManager, RunsInOrderAndTimesEachPass) {
  auto g = smallGraph();
  PassManager pm;
  pm.add<NopPass>("first", false, 0).add<DcePass>().add<NopPass>("slow", false, 30);
  EXPECT_EQ(pm.passNames(), (std::vector<std::string>{"first", "dce", "slow"}));
  EXPECT_TRUE(pm.run(*g)); // dce removed the exp
  ASSERT_EQ(pm.timings().size(), 3u);
  EXPECT_EQ(pm.timings()[0].pass, "first");
  EXPECT_FALSE(pm.timings()[0].changed);
  EXPECT_EQ(pm.timings()[1].pass, "dce");
  EXPECT_TRUE(pm.timings()[1].changed);
  EXPECT_EQ(pm.timings()[2].pass, "slow");
  EXPECT_GE(pm.timings()[2].seconds, 0.025);
  EXPECT_LT(pm.timings()[0].seconds, 0.025);
  EXPECT_EQ(g->size(), 2u); // x, relu

  // A second run starts fresh timings and changes nothing.
  EXPECT_FALSE(pm.run(*g));
  EXPECT_EQ(pm.timings().size(), 3u);
  EXPECT_FALSE(pm.timings()[1].changed);
}

TEST(PassManager, PrintsAfterTheNamedPass) {
  auto g = smallGraph();
  PassManager pm;
  pm.add<VerifyPass>().add<DcePass>().add<NopPass>();
  std::vector<std::string> dumps;
  pm.setPrintAfter("dce", [&](const std::string &s) { dumps.push_back(s); });
  pm.run(*g);
  ASSERT_EQ(dumps.size(), 1u);
  // Header, then exactly the graph text as it was right after dce.
  EXPECT_EQ(dumps[0], "*** IR Dump After dce ***\n" + printGraph(*g));
  EXPECT_EQ(dumps[0].find("exp"), std::string::npos);
}

TEST(PassManager, PrintsAfterEveryPassWithStar) {
  auto g = smallGraph();
  std::string before = printGraph(*g);
  PassManager pm;
  pm.add<VerifyPass>().add<DcePass>();
  std::vector<std::string> dumps;
  pm.setPrintAfter("*", [&](const std::string &s) { dumps.push_back(s); });
  pm.run(*g);
  ASSERT_EQ(dumps.size(), 2u);
  EXPECT_EQ(dumps[0], "*** IR Dump After verify ***\n" + before);
  EXPECT_EQ(dumps[1], "*** IR Dump After dce ***\n" + printGraph(*g));
  EXPECT_NE(dumps[0], dumps[1]);
}

// A pass the pipeline does not run (or a typo) would print nothing and look
// like success: it is an error that lists what the pipeline runs.
TEST(PassManager, PrintAfterAnUnlistedPassIsAnError) {
  auto g = smallGraph();
  std::string before = printGraph(*g);
  PassManager pm;
  pm.add<VerifyPass>().add<DcePass>();
  int calls = 0;
  pm.setPrintAfter("cse", [&](const std::string &) { ++calls; });
  try {
    pm.run(*g);
    ADD_FAILURE() << "no error";
  } catch (const Error &e) {
    EXPECT_STREQ(e.what(), "--print-after cse: not a pass of the pipeline; it runs verify, dce "
                           "(or '*' for all)");
  }
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(printGraph(*g), before); // rejected before any pass ran
}

TEST(PassManager, VerifierFailureNamesTheBrokenPass) {
  auto g = smallGraph();
  PassManager pm;
  pm.add<DcePass>().add<BreakTypePass>(true).add<NopPass>("after");
  try {
    pm.run(*g);
    FAIL() << "expected the verifier to reject the graph";
  } catch (const Error &e) {
    std::string msg = e.what();
    EXPECT_EQ(msg.rfind("after pass 'break-type': ", 0), 0u) << msg;
    EXPECT_NE(msg.find("%0 (relu)"), std::string::npos) << msg; // the verifier names the node
  }
  // The failing pass was still timed; the one after it never ran.
  ASSERT_EQ(pm.timings().size(), 2u);
  EXPECT_EQ(pm.timings()[1].pass, "break-type");
}

TEST(PassManager, VerificationCanBeTurnedOff) {
  auto g = smallGraph();
  PassManager pm;
  pm.add<BreakTypePass>(true);
  pm.setVerify(false);
  EXPECT_TRUE(pm.run(*g));
}

TEST(PassManager, DumpComesBeforeTheVerifierError) {
  auto g = smallGraph();
  PassManager pm;
  pm.add<BreakTypePass>(true);
  std::string dump;
  pm.setPrintAfter("break-type", [&](const std::string &s) { dump = s; });
  EXPECT_THROW(pm.run(*g), Error);
  EXPECT_NE(dump.find("relu(%x) : f32[5]"), std::string::npos) << dump;
}

TEST(PassManager, DebugBuildsCatchADishonestPass) {
#ifdef NDEBUG
  GTEST_SKIP() << "the honesty check runs only in debug builds";
#else
  auto g = smallGraph();
  PassManager pm;
  pm.add<BreakTypePass>(false); // changes a type but says it did not
  try {
    pm.run(*g);
    FAIL() << "expected the honesty check to fire";
  } catch (const Error &e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("internal error"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'break-type'"), std::string::npos) << msg;
  }
  // Claiming a change without making one is allowed (merely pessimistic).
  auto g2 = smallGraph();
  PassManager ok;
  ok.add<NopPass>("claims", true);
  EXPECT_TRUE(ok.run(*g2));
#endif
}

TEST(PassManager, DebugEnvPrintsOneLinePerPass) {
  auto g = smallGraph();
  PassManager pm;
  pm.add<VerifyPass>().add<DcePass>();
  ::setenv("DUET_DEBUG", "1", 1);
  ::testing::internal::CaptureStderr();
  pm.run(*g);
  std::string err = ::testing::internal::GetCapturedStderr();
  ::unsetenv("DUET_DEBUG");
  EXPECT_NE(err.find("verify"), std::string::npos) << err;
  EXPECT_NE(err.find("unchanged"), std::string::npos) << err;
  EXPECT_NE(err.find("dce"), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 2) << err;
  size_t dceLine = err.find("dce");
  EXPECT_NE(err.find(" changed", dceLine), std::string::npos) << err;

  // Without the variable: silent.
  ::testing::internal::CaptureStderr();
  pm.run(*g);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

TEST(PassRegistry, CreatesEveryRegisteredPassByName) {
  std::vector<std::string> names = registeredPasses();
  for (std::string_view want : {"verify", "infer-shapes", "constant-fold", "cse", "dce"})
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
  for (const std::string &name : names)
    EXPECT_EQ(createPass(name)->name(), name);
}

TEST(PassRegistry, UnknownNameIsAnErrorListingTheKnownOnes) {
  try {
    createPass("dead-code");
    FAIL() << "expected an error";
  } catch (const Error &e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("unknown pass 'dead-code'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("dce"), std::string::npos) << msg;
    EXPECT_NE(msg.find("constant-fold"), std::string::npos) << msg;
  }
}

TEST(PassRegistry, ParsesPipelines) {
  PassManager pm;
  addPipeline(pm, " verify , dce,cse ");
  EXPECT_EQ(pm.passNames(), (std::vector<std::string>{"verify", "dce", "cse"}));

  PassManager def;
  addPipeline(def, defaultPipeline());
  EXPECT_EQ(def.passNames(),
            (std::vector<std::string>{"verify", "infer-shapes", "constant-fold", "cse", "dce"}));

  PassManager none;
  addPipeline(none, "  ");
  EXPECT_TRUE(none.passNames().empty());

  // A bad pipeline adds nothing at all.
  PassManager bad;
  EXPECT_THROW(addPipeline(bad, "verify,,dce"), Error);
  EXPECT_THROW(addPipeline(bad, "verify,bogus"), Error);
  EXPECT_THROW(addPipeline(bad, "verify,"), Error);
  EXPECT_TRUE(bad.passNames().empty());
}

TEST(Mode, NamesRoundTrip) {
  for (Mode m : {Mode::Pure, Mode::Torch, Mode::Auto})
    EXPECT_EQ(parseMode(modeName(m)), m);
  EXPECT_EQ(modeName(Mode::Auto), "auto");
  EXPECT_EQ(parseMode("torch"), Mode::Torch);
  EXPECT_EQ(parseMode("Torch"), std::nullopt);
  EXPECT_EQ(parseMode(""), std::nullopt);
  EXPECT_EQ(parseMode("eigen"), std::nullopt);
}

} // namespace
} // namespace duet
