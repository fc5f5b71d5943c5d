//===- tests/distributed/data_parallel_test.cpp - ranks as real processes -===//
//
// Every test starts its ranks as processes (worker/dist_worker.cpp or
// `duet launch`) on 127.0.0.1 with a free port, and checks what they leave
// behind: parameters identical on every rank and equal to one process
// training on the whole batch; a dead or stopped rank makes the others fail
// with a message instead of hanging.
//
#include "dist_model.h"
#include "spawn.h"

#include "frontend/nn/checkpoint.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <sys/wait.h>

using namespace duet;
using namespace duet::disttest;

namespace {

constexpr double kHangGuardS = 45; // far above any healthy run: only catches hangs

/// One process, full batches of batch * world samples: what the ranks must match.
ParamStore referenceTraining(int64_t steps, int64_t globalBatch, Mode mode) {
  nn::TrainerOptions opts;
  opts.compile.mode = mode;
  opts.seed = kSeed;
  nn::Trainer t(model(), nn::crossEntropyLoss, optimizer(), opts);
  data::Dataset train = dataset();
  data::DataLoader loader(train, loaderOptions(globalBatch, 0, 1));
  data::Batch b;
  for (int64_t s = 0; s < steps; ++s) {
    if (!loader.next(b)) {
      loader.reset();
      loader.next(b);
    }
    t.step(b.x, b.y);
  }
  return t.modelState();
}

std::vector<std::string> workerArgs(std::vector<std::string> extra) {
  std::vector<std::string> a{DUET_DIST_WORKER};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

std::string logsOf(const std::vector<Child> &ranks) {
  std::string s;
  for (size_t r = 0; r < ranks.size(); ++r)
    s += "--- rank " + std::to_string(r) + " stdout:\n" + readFile(ranks[r].out) + "--- stderr:\n" +
         readFile(ranks[r].err);
  return s;
}

void expectClose(const ParamStore &got, const ParamStore &want, double tol) {
  ASSERT_EQ(got.size(), want.size());
  for (const auto &[name, w] : want) {
    ASSERT_TRUE(got.count(name)) << name;
    const Buffer &g = got.at(name);
    ASSERT_EQ(g.type(), w.type()) << name;
    for (int64_t i = 0; i < w.numel(); ++i)
      ASSERT_NEAR(g.at(i), w.at(i), tol * (1 + std::fabs(w.at(i)))) << name << "[" << i << "]";
  }
}

void expectIdentical(const ParamStore &a, const ParamStore &b) {
  ASSERT_EQ(a.size(), b.size());
  for (const auto &[name, x] : a) {
    ASSERT_TRUE(b.count(name)) << name;
    EXPECT_EQ(x.toDoubles(), b.at(name).toDoubles()) << name << " differs between ranks";
  }
}

/// Trains `world` ranks for `steps` steps and checks them against one process.
void trainAndCompare(int world, const std::string &mode, const std::string &name) {
  const int64_t steps = 4, batch = 8;
  std::string dir = scratchDir(name);
  int port = freePort();
  std::vector<Child> ranks;
  for (int r = 0; r < world; ++r)
    ranks.push_back(spawn(workerArgs({"--steps", std::to_string(steps), "--batch",
                                      std::to_string(batch), "--mode", mode, "--out",
                                      dir + "/params{rank}.safetensors"}),
                          rankEnv(r, world, port), dir + "/rank" + std::to_string(r)));
  ASSERT_TRUE(waitAll(ranks, kHangGuardS)) << "ranks hung\n" << logsOf(ranks);
  for (const Child &c : ranks)
    ASSERT_TRUE(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0) << logsOf(ranks);
  std::vector<ParamStore> params;
  for (int r = 0; r < world; ++r)
    params.push_back(nn::loadSafetensors(dir + "/params" + std::to_string(r) + ".safetensors"));
  for (int r = 1; r < world; ++r)
    expectIdentical(params[0], params[static_cast<size_t>(r)]);
  ParamStore want = referenceTraining(steps, batch * world, *parseMode(mode));
  expectClose(params[0], want, 1e-4);
  // The reference really moved: equal-to-the-initial-state would pass trivially.
  nn::TrainerOptions o;
  o.seed = kSeed;
  nn::Trainer fresh(model(), nn::crossEntropyLoss, optimizer(), o);
  EXPECT_NE(fresh.modelState().begin()->second.toDoubles(), want.begin()->second.toDoubles());
}

} // namespace

TEST(DataParallel, TwoRanksPureEqualOneProcessOnTheFullBatch) {
  trainAndCompare(2, "pure", "two_ranks");
}

TEST(DataParallel, FourRanksTorchEqualOneProcessOnTheFullBatch) {
  trainAndCompare(4, "torch", "four_ranks");
}

/// Rank 1 dies (SIGKILL) or stops (SIGSTOP: alive but silent) before step 2;
/// rank 0 must end with an error within the 3 s timeout, not hang.
void peerFailure(const std::string &how) {
  std::string dir = scratchDir("peer_" + how);
  int port = freePort();
  std::vector<Child> ranks;
  for (int r = 0; r < 2; ++r)
    ranks.push_back(spawn(workerArgs({"--steps", "5", "--timeout-ms", "3000", "--fail-rank", "1",
                                      "--fail-step", "2", "--fail-how", how}),
                          rankEnv(r, 2, port), dir + "/rank" + std::to_string(r)));
  std::vector<Child> first{ranks[0]};
  auto t0 = std::chrono::steady_clock::now();
  bool ended = waitAll(first, kHangGuardS);
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  kill(ranks[1].pid, SIGKILL); // the stopped one never ends by itself
  std::vector<Child> second{ranks[1]};
  waitAll(second, kHangGuardS);
  ranks[0] = first[0];
  ASSERT_TRUE(ended) << "rank 0 hung after its peer got " << how << "\n" << logsOf(ranks);
  EXPECT_TRUE(WIFEXITED(ranks[0].status) && WEXITSTATUS(ranks[0].status) == 1) << logsOf(ranks);
  std::string err = readFile(ranks[0].err);
  EXPECT_NE(err.find("all_reduce on rank 0 of 2 failed"), std::string::npos) << logsOf(ranks);
  EXPECT_NE(err.find("timeout is 3000 ms"), std::string::npos) << err;
  EXPECT_EQ(readFile(ranks[0].out).find("step 2 "), std::string::npos) << "step 2 completed";
  std::cout << "rank 0 ended " << took << " s after start (" << how << ")\n";
}

TEST(DataParallel, KilledRankEndsTheOthersWithAnError) { peerFailure("kill"); }

TEST(DataParallel, StoppedRankEndsTheOthersAtTheTimeout) { peerFailure("stop"); }

TEST(DuetLaunch, StartsRanksAndPrefixesTheirOutput) {
  std::string dir = scratchDir("launch_ok");
  std::vector<Child> launcher{
      spawn({DUET_CLI, "launch", "-n", "2", "--port", "0", "--", DUET_DIST_WORKER, "--steps", "2",
             "--out", dir + "/params{rank}.safetensors"},
            {}, dir + "/launch")};
  ASSERT_TRUE(waitAll(launcher, kHangGuardS));
  std::string out = readFile(launcher[0].out), err = readFile(launcher[0].err);
  ASSERT_TRUE(WIFEXITED(launcher[0].status) && WEXITSTATUS(launcher[0].status) == 0) << out << err;
  EXPECT_NE(out.find("[rank 0] rank 0 of 2 joined"), std::string::npos) << out;
  EXPECT_NE(out.find("[rank 1] rank 1 of 2 joined"), std::string::npos) << out;
  EXPECT_NE(out.find("[rank 1] done"), std::string::npos) << out;
  expectIdentical(nn::loadSafetensors(dir + "/params0.safetensors"),
                  nn::loadSafetensors(dir + "/params1.safetensors"));
}

TEST(DuetLaunch, AFailingRankStopsTheJobAndIsNamed) {
  std::string dir = scratchDir("launch_fail");
  std::vector<Child> launcher{
      spawn({DUET_CLI, "launch", "-n", "3", "--port", "0", "--", DUET_DIST_WORKER, "--steps", "50",
             "--timeout-ms", "20000", "--fail-rank", "1", "--fail-step", "1", "--fail-how",
             "exit"},
            {}, dir + "/launch")};
  ASSERT_TRUE(waitAll(launcher, kHangGuardS));
  std::string err = readFile(launcher[0].err);
  ASSERT_TRUE(WIFEXITED(launcher[0].status)) << err;
  EXPECT_EQ(WEXITSTATUS(launcher[0].status), 3) << err;
  EXPECT_NE(err.find("duet launch: rank 1 exited with status 3; stopping the other ranks"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("duet launch: failed: rank 1 of 3 exited with status 3"), std::string::npos)
      << err;
  EXPECT_NE(err.find("[rank 1] rank 1: failing on purpose"), std::string::npos) << err;
}
