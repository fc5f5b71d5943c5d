//===- bench/fusion_bench.cpp - fused elementwise chains vs node by node vs LibTorch ===//
//
// Two 10-op elementwise chains at 1K and 1M f32 elements: chain_N (x*a+b,
// relu, *c, tanh, +x, sigmoid, *a, -b, max(.,x); a, b, c scalar inputs) and
// cheap_chain_N (duet_bench's eltwise_chain: no transcendentals, scalar
// constants):
//   chain_N/fused          compiled pure plan, fuse-elementwise on (default)
//   chain_N/unfused        the same plan with fusion off: node by node
//   chain_N/fused_kernel   the fused node alone through runPureNode (no plan)
//   chain_N/libtorch_eager the graph op by op in ATen (bench_util.h TorchEager)
// row_sum_N (sum(x * y - x) over rows of 1024: a chain ending with a
// reduction), and the transcendental unary kernels node by node, pure against torch:
//   unary_<op>_1M/pure, unary_<op>_1M/libtorch_eager.
// Threads: DUET_NUM_THREADS (default: the cores) for pure and torch alike;
// --threads=N overrides, recorded as the context's duet_threads.
//
//   fusion_bench [--threads=1] --benchmark_out=fusion.json --benchmark_out_format=json
//
#include "bench_util.h"

#include "backends/pure/interpreter.h"
#include "backends/runtime/compile.h"
#include "backends/runtime/plan.h"
#include "backends/runtime/thread_setting.h"
#include "passes/fuse_elementwise.h"

#include <cstring>
#include <string>

namespace duet::bench {
namespace {

/// duet_bench's eltwise_chain (bench/duet_workloads.h): ten cheap ops with
/// scalar constants and the input again, no transcendentals.
std::unique_ptr<Graph> cheapChainGraph(int64_t n) {
  auto g = std::make_unique<Graph>("cheap_chain");
  Node *x = g->addInput("x", {DType::F32, {n}});
  auto k = [&](double v) {
    Attributes a;
    a.set("value", std::vector<double>{v});
    return g->addNode(OpKind::Constant, {}, a, {DType::F32, {}});
  };
  Node *v = g->addChecked(OpKind::Mul, {x, k(1.5)}); // 1
  v = g->addChecked(OpKind::Add, {v, k(0.25)});      // 2
  v = g->addChecked(OpKind::Relu, {v});              // 3
  v = g->addChecked(OpKind::Mul, {v, x});            // 4
  v = g->addChecked(OpKind::Sub, {v, k(0.5)});       // 5
  v = g->addChecked(OpKind::Abs, {v});               // 6
  v = g->addChecked(OpKind::Add, {v, x});            // 7
  v = g->addChecked(OpKind::Neg, {v});               // 8
  v = g->addChecked(OpKind::Mul, {v, k(0.75)});      // 9
  v = g->addChecked(OpKind::Maximum, {v, x});        // 10
  g->addOutput(v);
  return g;
}

std::unique_ptr<Graph> chainGraph(int64_t n) {
  auto g = std::make_unique<Graph>("chain");
  Node *x = g->addInput("x", {DType::F32, {n}});
  Node *a = g->addInput("a", {DType::F32, {}});
  Node *b = g->addInput("b", {DType::F32, {}});
  Node *c = g->addInput("c", {DType::F32, {}});
  Node *v = g->addChecked(OpKind::Mul, {x, a}); // 1
  v = g->addChecked(OpKind::Add, {v, b});       // 2
  v = g->addChecked(OpKind::Relu, {v});         // 3
  v = g->addChecked(OpKind::Mul, {v, c});       // 4
  v = g->addChecked(OpKind::Tanh, {v});         // 5
  v = g->addChecked(OpKind::Add, {v, x});       // 6
  v = g->addChecked(OpKind::Sigmoid, {v});      // 7
  v = g->addChecked(OpKind::Mul, {v, a});       // 8
  v = g->addChecked(OpKind::Sub, {v, b});       // 9
  v = g->addChecked(OpKind::Maximum, {v, x});   // 10
  g->addOutput(v);
  return g;
}

/// sum(x * y - x) over the rows of [n / 1024, 1024]: a chain ending with a
/// reduction, which the fused loop accumulates instead of writing out.
std::unique_ptr<Graph> rowSumGraph(int64_t n) {
  auto g = std::make_unique<Graph>("row_sum");
  const Shape s = {n / 1024, 1024};
  Node *x = g->addInput("x", {DType::F32, s});
  Node *y = g->addInput("y", {DType::F32, s});
  Node *v = g->addChecked(OpKind::Sub, {g->addChecked(OpKind::Mul, {x, y}), x});
  Attributes a;
  a.set("axes", std::vector<int64_t>{-1});
  g->addOutput(g->addChecked(OpKind::Sum, {v}, a));
  return g;
}

using Factory = std::unique_ptr<Graph> (*)(int64_t);

void runPlan(benchmark::State &state, Factory make, int64_t n, bool fuse) {
  std::unique_ptr<Graph> g = make(n);
  CompileOptions opts;
  opts.mode = Mode::Pure;
  opts.partition.fuseElementwise = fuse;
  std::shared_ptr<Plan> plan = compile(*g, opts);
  std::vector<Buffer> inputs = randomInputs(*g);
  std::vector<Buffer> outputs = {Buffer::allocate(g->outputs()[0]->type())};
  ParamStore params;
  plan->run(inputs, params, outputs); // warm: the arena and scratch exist
  for (auto _ : state) {
    plan->run(inputs, params, outputs);
    benchmark::DoNotOptimize(outputs[0].raw());
  }
  int64_t nodes = 0;
  for (const Node *node : plan->graph().nodes())
    nodes += node->isSource() ? 0 : 1;
  state.counters["plan_nodes"] = static_cast<double>(nodes);
  state.SetItemsProcessed(state.iterations() * n);
}

void fusedKernel(benchmark::State &state, Factory make, int64_t n) {
  std::unique_ptr<Graph> g = make(n);
  FuseElementwisePass().run(*g);
  const Node *fused = g->outputs()[0];
  if (fused->op() != OpKind::FusedElementwise) {
    state.SkipWithError("the chain did not fuse");
    return;
  }
  std::vector<Buffer> values = randomInputs(*g);
  std::vector<Buffer> in;
  for (const Node *operand : fused->inputs()) {
    if (operand->op() == OpKind::Constant)
      in.push_back(evalPureNode(*operand, {}));
    for (size_t k = 0; k < g->inputs().size(); ++k)
      if (g->inputs()[k] == operand)
        in.push_back(values[k]);
  }
  Buffer out = Buffer::allocate(fused->type());
  for (auto _ : state) {
    runPureNode(*fused, in, out);
    benchmark::DoNotOptimize(out.raw());
  }
  state.SetItemsProcessed(state.iterations() * n);
}

void eager(benchmark::State &state, const Graph &g) {
  if (!torchBackend()) {
    state.SkipWithError("no torch backend in this build");
    return;
  }
  TorchEager torch(g);
  std::vector<Buffer> values = randomInputs(g);
  for (auto _ : state)
    benchmark::DoNotOptimize(torch.run(values));
  state.SetItemsProcessed(state.iterations() * g.inputs()[0]->type().numel());
}

void unaryPure(benchmark::State &state, OpKind op, int64_t n) {
  Graph g("unary");
  Node *x = g.addInput("x", {DType::F32, {n}});
  Node *y = g.addChecked(op, {x});
  std::vector<Buffer> in = randomInputs(g);
  Buffer out = Buffer::allocate(y->type());
  for (auto _ : state) {
    runPureNode(*y, in, out);
    benchmark::DoNotOptimize(out.raw());
  }
  state.SetItemsProcessed(state.iterations() * n);
}

void registerAll() {
  for (auto [name, make] :
       {std::pair<const char *, Factory>{"chain_", chainGraph}, {"cheap_chain_", cheapChainGraph},
        {"row_sum_", rowSumGraph}})
    for (auto [label, n] : {std::pair<const char *, int64_t>{"1K", 1024}, {"1M", 1 << 20}}) {
      const std::string w = name + std::string(label);
      benchmark::RegisterBenchmark((w + "/fused").c_str(), runPlan, make, n, true)->UseRealTime();
      benchmark::RegisterBenchmark((w + "/unfused").c_str(), runPlan, make, n, false)
          ->UseRealTime();
      benchmark::RegisterBenchmark((w + "/fused_kernel").c_str(), fusedKernel, make, n)
          ->UseRealTime();
      auto g = std::shared_ptr<Graph>(make(n));
      benchmark::RegisterBenchmark((w + "/libtorch_eager").c_str(), [g](benchmark::State &s) {
        eager(s, *g);
      })->UseRealTime();
    }
  for (OpKind op : {OpKind::Gelu, OpKind::Sigmoid, OpKind::Tanh, OpKind::Exp}) {
    const std::string w = "unary_" + std::string(opName(op)) + "_1M";
    benchmark::RegisterBenchmark((w + "/pure").c_str(), unaryPure, op, int64_t(1) << 20)
        ->UseRealTime();
    auto g = std::make_shared<Graph>("unary");
    g->addOutput(g->addChecked(op, {g->addInput("x", {DType::F32, {int64_t(1) << 20}})}));
    benchmark::RegisterBenchmark((w + "/libtorch_eager").c_str(), [g](benchmark::State &s) {
      eager(s, *g);
    })->UseRealTime();
  }
}

} // namespace
} // namespace duet::bench

int main(int argc, char **argv) {
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], "--threads=", 10) == 0)
      duet::setNumThreads(std::stoi(argv[i] + 10));
  benchmark::Initialize(&argc, argv);
  duet::bench::addContext();
  benchmark::AddCustomContext("duet_threads", duet::threadSummary());
  duet::bench::registerAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
