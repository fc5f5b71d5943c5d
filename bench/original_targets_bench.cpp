//===- bench/original_targets_bench.cpp - the original plan's figures -----===//
//
// The library duet grew from set three targets: matmul 100x100 on the pure
// path well under 20 ms, 1000x1000 with torch under 50 ms, and a conversion
// overhead under 1 ms. Measured here through the real compiled plans.
//
#include "bench_util.h"

#include "backends/runtime/compile.h"
#include "backends/runtime/plan.h"

namespace duet::bench {
namespace {

std::unique_ptr<Graph> matmulGraph(int64_t n) {
  auto g = std::make_unique<Graph>("matmul");
  Node *a = g->addInput("a", {DType::F32, {n, n}});
  Node *b = g->addInput("b", {DType::F32, {n, n}});
  g->addOutput(g->addChecked(OpKind::Matmul, {a, b}));
  return g;
}

void BM_Matmul(benchmark::State &state, Mode mode) {
  if (mode != Mode::Pure && !torchBackend()) {
    state.SkipWithError("no torch backend in this build");
    return;
  }
  int64_t n = state.range(0);
  auto g = matmulGraph(n);
  CompileOptions opts;
  opts.mode = mode;
  auto plan = compile(*g, opts);
  std::vector<Buffer> inputs = randomInputs(*g);
  for (auto _ : state)
    benchmark::DoNotOptimize(plan->run(inputs, {}));
  state.counters["GFLOP/s"] = benchmark::Counter(
      2.0 * n * n * n * static_cast<double>(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
  state.counters["torch_nodes"] = static_cast<double>(plan->stats().torchNodes);
}
BENCHMARK_CAPTURE(BM_Matmul, pure, Mode::Pure)->Arg(100)->Arg(1000)->Arg(2000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Matmul, torch, Mode::Torch)->Arg(100)->Arg(1000)->Arg(2000)->Unit(benchmark::kMillisecond);

/// One value crossing into torch and back: a region holding to_torch and
/// from_torch of an n x n f32 tensor (from_blob in, storage wrap out).
void BM_ConversionRoundTrip(benchmark::State &state) {
  TorchBackend *torch = torchBackend();
  if (!torch) {
    state.SkipWithError("no torch backend in this build");
    return;
  }
  int64_t n = state.range(0);
  Graph g("convert");
  Node *x = g.addInput("x", {DType::F32, {n, n}});
  Node *in = g.addChecked(OpKind::ToTorch, {x});
  Node *out = g.addChecked(OpKind::FromTorch, {in});
  g.addOutput(out);
  TorchRegion region{{in, out}, {x}, {out}};
  std::vector<Buffer> inputs = randomInputs(g);
  ConversionStats stats;
  for (auto _ : state)
    benchmark::DoNotOptimize(torch->runRegion(region, inputs, stats));
  state.counters["copied_bytes_per_run"] =
      static_cast<double>(stats.copiedBytes) / static_cast<double>(state.iterations());
  state.counters["zero_copy_bytes_per_run"] =
      static_cast<double>(stats.zeroCopyBytes) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ConversionRoundTrip)->Arg(100)->Arg(1000)->Arg(2000)->Unit(benchmark::kMicrosecond);

const int context = (addContext(), 0);

} // namespace
} // namespace duet::bench

BENCHMARK_MAIN();
