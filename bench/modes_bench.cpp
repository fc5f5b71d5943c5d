//===- bench/modes_bench.cpp - pure vs torch vs auto vs LibTorch eager -----===//
//
// For every example graph: the time of one run of the compiled plan in each
// mode, and of LibTorch eager (every node an ATen call) on the same graph,
// in one process so the ratios are comparable. docs/benchmarks.md has the
// figures and the command. Auto mode uses the profile plain runs would use
// (DUET_PROFILE, else $XDG_CONFIG_HOME/duet/profile.json, else the defaults).
//
#include "bench_util.h"

#include "backends/runtime/compile.h"
#include "backends/runtime/params.h"
#include "backends/runtime/plan.h"
#include "backends/runtime/profile_env.h"

namespace duet::bench {
namespace {

const char *const kExamples[] = {"mlp", "cnn", "transformer_block"};

void runMode(benchmark::State &state, const std::string &example, Mode mode) {
  if (mode != Mode::Pure && !torchBackend()) {
    state.SkipWithError("no torch backend in this build");
    return;
  }
  auto g = loadExample(example);
  CompileOptions opts;
  opts.mode = mode;
  // DUET_PROFILE (or the default location) when set: a tuned profile.
  if (mode == Mode::Auto)
    opts.partition.profile = profileFromEnvironment();
  auto plan = compile(*g, opts);
  ParamStore params = initParams(*g, 0);
  std::vector<Buffer> inputs = randomInputs(*g);
  for (auto _ : state)
    benchmark::DoNotOptimize(plan->run(inputs, params));
  const RunStats &s = plan->stats();
  state.counters["pure_nodes"] = static_cast<double>(s.pureNodes);
  state.counters["torch_nodes"] = static_cast<double>(s.torchNodes);
  state.counters["regions"] = static_cast<double>(s.regions);
  state.counters["fallbacks"] = static_cast<double>(s.fallbacks);
}

void runEager(benchmark::State &state, const std::string &example) {
  if (!torchBackend()) {
    state.SkipWithError("no torch backend in this build");
    return;
  }
  auto g = loadExample(example);
  ParamStore params = initParams(*g, 0);
  std::vector<Buffer> values = randomInputs(*g);
  for (const Node *p : g->params())
    values.push_back(params.at(p->name()));
  TorchEager eager(*g);
  for (auto _ : state)
    benchmark::DoNotOptimize(eager.run(values));
}

int registerAll() {
  addContext();
  for (const char *ex : kExamples) {
    std::string e = ex;
    benchmark::RegisterBenchmark(("BM_Example/" + e + "/pure").c_str(),
                                 [e](benchmark::State &s) { runMode(s, e, Mode::Pure); });
    benchmark::RegisterBenchmark(("BM_Example/" + e + "/torch").c_str(),
                                 [e](benchmark::State &s) { runMode(s, e, Mode::Torch); });
    benchmark::RegisterBenchmark(("BM_Example/" + e + "/auto").c_str(),
                                 [e](benchmark::State &s) { runMode(s, e, Mode::Auto); });
    benchmark::RegisterBenchmark(("BM_Example/" + e + "/libtorch_eager").c_str(),
                                 [e](benchmark::State &s) { runEager(s, e); });
  }
  return 0;
}
const int registered = registerAll();

} // namespace
} // namespace duet::bench

BENCHMARK_MAIN();
