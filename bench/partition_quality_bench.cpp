//===- bench/partition_quality_bench.cpp - how good are auto's plans? -----===//
//
// For each example graph and a few mixed-size graphs: the measured time of
// the auto plan against the all-pure and all-torch plans and, for graphs of
// at most 10 compute nodes, against the best of all 2^n node assignments
// (found by timing every one briefly, then re-timing the fastest few with
// the others). The counters of each "quality/<graph>/auto" benchmark:
//   auto_us          the auto plan's time in that interleaved session
//   vs_best_single   auto / min(pure, torch)   (<= 1.05 is the target)
//   vs_exhaustive    auto / best assignment     (<= 1.10 is the target)
//   est_err_pct      (estimated - measured) / measured for the auto plan
// measured as thread CPU time when torch and OpenBLAS run one thread
// (OPENBLAS_NUM_THREADS=1): then it is the plan's whole cost, and on a
// shared machine it leaves out the waits other processes cause; the same
// counters on the wall clock are prefixed wall_. Markdown tables of the
// figures are printed at the end.
// The cost profile is the one runs use: DUET_PROFILE, else the default
// location (`duet tune` writes it), else the shipped defaults.
//
#include "bench/bench_util.h"
#include "bench/partition_quality_plans.h"

#include "backends/runtime/profile_env.h"
#include "passes/cost_profile.h"

#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <map>

namespace duet::bench {
namespace {

/// One clock's figures for a graph.
struct Times {
  double autoS = 0, pureS = 0, torchS = 0, bestS = 0;
  uint32_t bestMask = 0;
};

enum ClockKind { kWall = 0, kCpu = 1 };

struct Quality {
  std::string name;
  int nodes = 0;
  double estimateS = 0;
  uint32_t autoMask = 0;
  bool exhaustive = false;
  Times clocks[2]; // kWall, kCpu
};

struct Case {
  std::unique_ptr<Graph> graph;
  std::vector<Buffer> inputs;
  ParamStore params;
  std::shared_ptr<Plan> autoPlan, purePlan, torchPlan, bestPlan;
  Quality q;
};

/// Thread CPU time is the plan's whole cost only when nothing runs on
/// other threads: torch and OpenBLAS on one thread each.
bool cpuClockValid() {
  const char *blas = std::getenv("OPENBLAS_NUM_THREADS");
  return torchBackend()->numThreads() == 1 && blas && std::string(blas) == "1";
}

ClockKind primaryClock() { return cpuClockValid() ? kCpu : kWall; }

double clockOf(const PlanTime &t, ClockKind k) { return k == kCpu ? t.cpu : t.wall; }

std::shared_ptr<const CostProfile> benchProfile() {
  if (auto p = profileFromEnvironment())
    return p;
  return std::make_shared<const CostProfile>(CostProfile::defaults());
}

std::string profileName() {
  const char *env = std::getenv("DUET_PROFILE");
  if (env && *env)
    return env;
  return profileFromEnvironment() ? defaultProfilePath() : "shipped defaults";
}

std::shared_ptr<Plan> compileMode(const Graph &g, Mode m,
                                  const std::shared_ptr<const CostProfile> &profile) {
  CompileOptions o;
  o.mode = m;
  o.partition.profile = profile;
  return compile(g, o);
}

std::string maskText(uint32_t mask, int n) {
  std::string s;
  for (int i = 0; i < n; ++i)
    s += mask & (1u << i) ? 'T' : 'p';
  return s;
}

/// Times every assignment briefly, then re-times the fastest few alongside
/// the auto, pure and torch plans (which are assignments too).
void searchExhaustively(Case &c, const std::shared_ptr<const CostProfile> &profile) {
  std::unique_ptr<Graph> opt = optimizedGraph(*c.graph);
  const int n = computeNodes(*opt);
  std::vector<std::pair<double, uint32_t>> quick;
  for (uint32_t mask = 0; mask < (1u << n); ++mask) {
    auto plan = forcedPlan(*opt, mask, profile);
    PlanTime t = timeInterleaved({plan.get()}, c.inputs, c.params, 5e-3)[0];
    quick.emplace_back(clockOf(t, primaryClock()), mask);
  }
  std::sort(quick.begin(), quick.end());
  std::vector<std::shared_ptr<Plan>> finalists;
  std::vector<uint32_t> masks = {c.q.autoMask, 0u, (1u << n) - 1};
  for (size_t i = 0; i < std::min<size_t>(quick.size(), 6); ++i) {
    finalists.push_back(forcedPlan(*opt, quick[i].second, profile));
    masks.push_back(quick[i].second);
  }
  std::vector<Plan *> all = {c.autoPlan.get(), c.purePlan.get(), c.torchPlan.get()};
  for (auto &p : finalists)
    all.push_back(p.get());
  std::vector<PlanTime> pt = timeInterleaved(all, c.inputs, c.params, 0.1);
  for (ClockKind k : {kWall, kCpu}) {
    Times &t = c.q.clocks[k];
    t.autoS = clockOf(pt[0], k);
    t.pureS = clockOf(pt[1], k);
    t.torchS = clockOf(pt[2], k);
    t.bestS = 1e30;
    for (size_t i = 0; i < pt.size(); ++i)
      if (clockOf(pt[i], k) < t.bestS) {
        t.bestS = clockOf(pt[i], k);
        t.bestMask = masks[i];
        if (k == primaryClock())
          c.bestPlan = i >= 3 ? finalists[i - 3] : nullptr;
      }
  }
  c.q.exhaustive = true;
}

std::vector<std::unique_ptr<Case>> buildCases(const std::shared_ptr<const CostProfile> &profile) {
  std::vector<std::unique_ptr<Graph>> graphs;
  for (const char *name : {"mlp", "cnn", "transformer_block"})
    graphs.push_back(loadExample(name));
  for (const std::string &text : mixedGraphTexts())
    graphs.push_back(parseGraph(text, "mixed"));
  std::vector<std::unique_ptr<Case>> cases;
  for (auto &g : graphs) {
    auto c = std::make_unique<Case>();
    c->inputs = randomInputs(*g);
    c->params = initParams(*g, 1);
    c->autoPlan = compileMode(*g, Mode::Auto, profile);
    c->purePlan = compileMode(*g, Mode::Pure, profile);
    c->torchPlan = compileMode(*g, Mode::Torch, profile);
    c->q.name = g->name();
    c->q.nodes = computeNodes(c->autoPlan->graph());
    c->q.autoMask = assignmentOf(c->autoPlan->graph());
    c->q.estimateS = estimatePlan(c->autoPlan->graph(), *profile).totalSeconds();
    c->graph = std::move(g);
    if (c->q.nodes <= 10) {
      searchExhaustively(*c, profile);
    } else {
      std::vector<PlanTime> t = timeInterleaved(
          {c->autoPlan.get(), c->purePlan.get(), c->torchPlan.get()}, c->inputs, c->params, 0.3);
      for (ClockKind k : {kWall, kCpu})
        c->q.clocks[k] = {clockOf(t[0], k), clockOf(t[1], k), clockOf(t[2], k), 0, 0};
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

void BM_Quality(benchmark::State &state, Case *c, Plan *plan, bool counters) {
  for (auto _ : state)
    benchmark::DoNotOptimize(plan->run(c->inputs, c->params));
  if (!counters)
    return;
  const Quality &q = c->q;
  for (ClockKind k : {primaryClock(), kWall}) {
    const Times &t = q.clocks[k];
    std::string prefix = k == primaryClock() ? "" : "wall_";
    state.counters[prefix + "auto_us"] = t.autoS * 1e6;
    state.counters[prefix + "vs_best_single"] = t.autoS / std::min(t.pureS, t.torchS);
    state.counters[prefix + "est_err_pct"] = 100 * (q.estimateS - t.autoS) / t.autoS;
    if (q.exhaustive)
      state.counters[prefix + "vs_exhaustive"] = t.autoS / t.bestS;
    if (k == kWall)
      break; // the primary clock was the wall clock
  }
}

std::string table(const std::vector<std::unique_ptr<Case>> &cases, ClockKind k) {
  std::string out = "| graph | compute nodes | auto | all-pure | all-torch | auto / best single | "
                    "best assignment | auto / best | estimate (error) | auto / best plan |\n"
                    "|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto &c : cases) {
    const Quality &q = c->q;
    const Times &t = q.clocks[k];
    out += fmt::format(
        "| {} | {} | {} | {} | {} | {:.3f} | {} | {} | {} ({:+.0f}%) | {} |\n", q.name, q.nodes,
        formatSeconds(t.autoS), formatSeconds(t.pureS), formatSeconds(t.torchS),
        t.autoS / std::min(t.pureS, t.torchS), q.exhaustive ? formatSeconds(t.bestS) : "-",
        q.exhaustive ? fmt::format("{:.3f}", t.autoS / t.bestS) : "-", formatSeconds(q.estimateS),
        100 * (q.estimateS - t.autoS) / t.autoS,
        q.exhaustive ? maskText(q.autoMask, q.nodes) + " / " + maskText(t.bestMask, q.nodes) : "-");
  }
  return out;
}

} // namespace
} // namespace duet::bench

int main(int argc, char **argv) {
  using namespace duet::bench;
  benchmark::Initialize(&argc, argv);
  if (!duet::torchBackend()) {
    std::cerr << "partition_quality_bench: this build has no torch backend; nothing to compare\n";
    return 0;
  }
  addContext();
  auto profile = benchProfile();
  benchmark::AddCustomContext("duet_profile", profileName());
  std::cerr << "partition_quality_bench: profile " << profileName()
            << "; timing every plan (exhaustive search on graphs of <= 10 compute nodes)...\n";
  auto cases = buildCases(profile);
  for (auto &c : cases) {
    const std::string base = "quality/" + c->q.name;
    benchmark::RegisterBenchmark((base + "/auto").c_str(), BM_Quality, c.get(), c->autoPlan.get(),
                                 true)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark((base + "/pure").c_str(), BM_Quality, c.get(), c->purePlan.get(),
                                 false)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark((base + "/torch").c_str(), BM_Quality, c.get(), c->torchPlan.get(),
                                 false)
        ->Unit(benchmark::kMicrosecond);
    if (c->bestPlan)
      benchmark::RegisterBenchmark((base + "/best").c_str(), BM_Quality, c.get(), c->bestPlan.get(),
                                   false)
          ->Unit(benchmark::kMicrosecond);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::cout << "\nPartition quality, profile " << profileName()
            << ". Each plan's fastest short batch, plans interleaved; a plan is written "
               "p (pure) / T (torch) per compute node.\n";
  if (primaryClock() == kCpu)
    std::cout << "\nThread CPU time (torch and OpenBLAS on one thread: the plan's whole "
                 "cost, without the waits other processes cause):\n\n"
              << table(cases, kCpu);
  std::cout << "\nWall time:\n\n" << table(cases, kWall);
  return 0;
}
