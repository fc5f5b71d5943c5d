//===- bench/duet_bench.cpp - every workload, every implementation --------===//
//
// Issue #7's benchmark: names are <workload>/<impl>, impl one of duet_pure,
// duet_torch, duet_auto (compiled plans, run through the allocation-free
// run(inputs, params, outputs)) and libtorch_eager (the same graph op by op
// in ATen, bench_util.h TorchEager; for training, eager forward + autograd +
// an Adam update), so every ratio comes from one process. bench_table.py
// turns the JSON into docs/benchmarks.md's table and checks the targets.
//
//   duet_bench [--duet_profile=PROFILE.json] [--duet_threads=1]
//              --benchmark_out=duet_bench.json --benchmark_out_format=json
//
// Auto mode uses --duet_profile, else DUET_PROFILE, else the shipped
// defaults. Both backends run on one thread unless --duet_threads says
// otherwise (runtime/thread_setting.h). Times are wall-clock (UseRealTime):
// the pure pool's threads do not show in the benchmark thread's CPU time.
// tiny_graph_dispatch compiles without elementwise fusion, so its 1000
// nodes stay 1000 steps and ns_per_node is the dispatch cost per node.
//
#include "loss_graph.h"
#include "duet_workloads.h"

#include "backends/runtime/compile.h"
#include "backends/runtime/params.h"
#include "backends/runtime/plan.h"
#include "backends/runtime/profile_env.h"
#include "backends/runtime/thread_setting.h"
#include "frontend/nn/trainer.h"
#include "frontend/optim/optimizer.h"

#include <cstring>
#include <functional>

namespace duet::bench {
namespace {

using GraphFactory = std::function<std::unique_ptr<Graph>()>;

bool needsTorch(benchmark::State &state, Mode mode) {
  if (mode != Mode::Pure && !torchBackend()) {
    state.SkipWithError("no torch backend in this build");
    return true;
  }
  return false;
}

/// Inputs and params as the plan and TorchEager take them (params from
/// initParams, seed 0; inputs seeded random).
struct Feed {
  std::vector<Buffer> inputs;
  ParamStore params;
  std::vector<Buffer> eagerValues; // inputs then params, graph order
};

Feed feedFor(const Graph &g) {
  Feed f;
  f.inputs = randomInputs(g);
  f.params = initParams(g, 0);
  f.eagerValues = f.inputs;
  for (const Node *p : g.params())
    f.eagerValues.push_back(f.params.at(p->name()));
  return f;
}

void setNodeCounters(benchmark::State &state, const Plan &plan) {
  const RunStats &s = plan.stats();
  state.counters["pure_nodes"] = static_cast<double>(s.pureNodes);
  state.counters["torch_nodes"] = static_cast<double>(s.torchNodes);
  state.counters["regions"] = static_cast<double>(s.regions);
  state.counters["fallbacks"] = static_cast<double>(s.fallbacks);
  state.counters["arena_bytes"] = static_cast<double>(s.arenaBytes);
}

/// ns per compute node of the graph, a counter that is already divided.
void setPerNode(benchmark::State &state, int64_t nodes) {
  state.counters["ns_per_node"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(nodes) * 1e-9,
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

int64_t computeNodes(const Graph &g) {
  int64_t n = 0;
  for (const Node *node : g.nodes())
    n += node->isSource() ? 0 : 1;
  return n;
}

void runPlan(benchmark::State &state, const GraphFactory &make, Mode mode, bool perNode) {
  if (needsTorch(state, mode))
    return;
  auto g = make();
  CompileOptions opts;
  opts.mode = mode;
  opts.partition.fuseElementwise = !perNode; // per-node dispatch is what perNode measures
  if (mode == Mode::Auto)
    opts.partition.profile = profileFromEnvironment();
  auto plan = compile(*g, opts);
  Feed f = feedFor(*g);
  std::vector<Buffer> outs;
  for (const Node *o : g->outputs())
    outs.push_back(Buffer::allocate(o->type()));
  plan->run(f.inputs, f.params, outs); // first run lays out the arena
  for (auto _ : state) {
    plan->run(f.inputs, f.params, outs);
    benchmark::ClobberMemory();
  }
  setNodeCounters(state, *plan);
  if (perNode)
    setPerNode(state, computeNodes(*g));
}

void runEager(benchmark::State &state, const GraphFactory &make, bool perNode) {
  if (needsTorch(state, Mode::Torch))
    return;
  auto g = make();
  Feed f = feedFor(*g);
  TorchEager eager(*g);
  for (auto _ : state)
    benchmark::DoNotOptimize(eager.run(f.eagerValues));
  if (perNode)
    setPerNode(state, computeNodes(*g));
}

constexpr int64_t kTrainBatch = 64;
constexpr double kAdamLr = 1e-3;

void trainDuet(benchmark::State &state, Mode mode) {
  if (needsTorch(state, mode))
    return;
  nn::TrainerOptions opts;
  opts.compile = CompileOptions{};
  opts.compile.mode = mode;
  if (mode == Mode::Auto)
    opts.compile.partition.profile = profileFromEnvironment();
  nn::Trainer trainer(trainMlp(), nn::crossEntropyLoss, std::make_shared<optim::Adam>(kAdamLr),
                      opts);
  auto [x, y] = mnistLikeBatch(kTrainBatch);
  double loss0 = trainer.step(x, y).loss, loss = loss0; // compiles the step
  for (auto _ : state)
    loss = trainer.step(x, y).loss;
  state.counters["first_loss"] = loss0;
  state.counters["last_loss"] = loss;
  setNodeCounters(state, trainer.stepProgram(x.type(), y.type()).plan());
}

void trainEager(benchmark::State &state) {
  if (needsTorch(state, Mode::Torch))
    return;
  auto model = trainMlp();
  auto [x, y] = mnistLikeBatch(kTrainBatch);
  LossGraph lg = crossEntropyLossGraph(*model, x, y);
  auto trainer = torchBackend()->referenceAdamTrainer(*lg.graph, lg.params, kAdamLr);
  std::vector<Buffer> inputs{x, y};
  double loss0 = trainer->step(inputs), loss = loss0;
  for (auto _ : state)
    loss = trainer->step(inputs);
  state.counters["first_loss"] = loss0;
  state.counters["last_loss"] = loss;
}

void registerGraphWorkload(const std::string &name, GraphFactory make, bool perNode = false) {
  const std::pair<const char *, Mode> modes[] = {
      {"duet_pure", Mode::Pure}, {"duet_torch", Mode::Torch}, {"duet_auto", Mode::Auto}};
  for (const auto &[impl, mode] : modes)
    benchmark::RegisterBenchmark((name + "/" + impl).c_str(), [make, mode = mode,
                                                               perNode](benchmark::State &s) {
      runPlan(s, make, mode, perNode);
    })->UseRealTime();
  benchmark::RegisterBenchmark((name + "/libtorch_eager").c_str(), [make,
                                                                    perNode](benchmark::State &s) {
    runEager(s, make, perNode);
  })->UseRealTime();
}

void registerAll() {
  for (int64_t n : {64, 256, 1024})
    registerGraphWorkload("gemm_" + std::to_string(n), [n] { return gemmGraph(n); });
  registerGraphWorkload("eltwise_chain_1K", [] { return eltwiseChainGraph(1024); });
  registerGraphWorkload("eltwise_chain_1M", [] { return eltwiseChainGraph(1 << 20); });
  registerGraphWorkload("mlp_infer_b32", [] { return loadExample("mlp"); });
  benchmark::RegisterBenchmark("mlp_train_b64/duet_pure", [](benchmark::State &s) {
    trainDuet(s, Mode::Pure);
  })->UseRealTime();
  benchmark::RegisterBenchmark("mlp_train_b64/duet_torch", [](benchmark::State &s) {
    trainDuet(s, Mode::Torch);
  })->UseRealTime();
  benchmark::RegisterBenchmark("mlp_train_b64/duet_auto", [](benchmark::State &s) {
    trainDuet(s, Mode::Auto);
  })->UseRealTime();
  benchmark::RegisterBenchmark("mlp_train_b64/libtorch_eager", trainEager)->UseRealTime();
  registerGraphWorkload("cnn_infer", [] { return loadExample("cnn"); });
  registerGraphWorkload("transformer_block_infer", [] { return loadExample("transformer_block"); });
  registerGraphWorkload(
      "tiny_graph_dispatch", [] { return tinyChainGraph(1000); }, true);
}

/// Takes our own flags out of argv before Google Benchmark sees them.
void parseOwnFlags(int &argc, char **argv) {
  int threads = 1;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    if (std::strncmp(a, "--duet_profile=", 15) == 0)
      ::setenv("DUET_PROFILE", a + 15, 1);
    else if (std::strncmp(a, "--duet_threads=", 15) == 0)
      threads = std::atoi(a + 15);
    else
      argv[kept++] = argv[i];
  }
  argc = kept;
  setNumThreads(threads); // both backends
  benchmark::AddCustomContext("duet_threads", threadSummary());
}

} // namespace
} // namespace duet::bench

int main(int argc, char **argv) {
  duet::bench::parseOwnFlags(argc, argv);
  duet::bench::addContext();
  duet::bench::addMachineContext();
  duet::bench::registerAll();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
