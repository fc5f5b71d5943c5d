//===- bench/runtime_overhead_bench.cpp - what a node costs besides its math -===//
//
// A chain of N tiny elementwise nodes (4 floats each), so the math is
// negligible and what is left is duet's own overhead per node:
//   BM_Record        recording the nodes through the lazy frontend
//   BM_RecordCompile recording + running the pass pipeline + building the plan
//   BM_RunCached     running an already compiled plan (the steady state)
//   BM_Materialize   the lazy path: record + plan-cache lookup + run
// Divide the reported time by N (the `per_node` counter does it).
//
#include "bench_util.h"

#include "frontend/frontend.h"

namespace duet::bench {
namespace {

Tensor chain(const Tensor &x, int64_t n) {
  Tensor y = x;
  for (int64_t i = 0; i < n; ++i)
    y = (i % 2) ? relu(y) : y * 1.5;
  return y;
}

void perNode(benchmark::State &state, int64_t n) {
  state.counters["per_node"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(n),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_Record(benchmark::State &state) {
  int64_t n = state.range(0);
  for (auto _ : state) {
    GraphBuilder b("chain");
    Tensor x = b.input("x", DType::F32, {4});
    benchmark::DoNotOptimize(chain(x, n));
  }
  perNode(state, n);
}
BENCHMARK(BM_Record)->Arg(100)->Arg(1000);

void BM_RecordCompile(benchmark::State &state) {
  int64_t n = state.range(0);
  CompileOptions opts;
  opts.mode = Mode::Pure;
  for (auto _ : state) {
    GraphBuilder b("chain");
    Tensor x = b.input("x", DType::F32, {4});
    benchmark::DoNotOptimize(b.build({chain(x, n)}, opts));
  }
  perNode(state, n);
}
BENCHMARK(BM_RecordCompile)->Arg(100)->Arg(1000);

void BM_RunCached(benchmark::State &state) {
  int64_t n = state.range(0);
  CompileOptions opts;
  opts.mode = Mode::Pure;
  GraphBuilder b("chain");
  Tensor x = b.input("x", DType::F32, {4});
  Program prog = b.build({chain(x, n)}, opts);
  Buffer in = Buffer::full({DType::F32, {4}}, 0.5);
  for (auto _ : state)
    benchmark::DoNotOptimize(prog.run({in}));
  perNode(state, n);
}
BENCHMARK(BM_RunCached)->Arg(100)->Arg(1000);

void BM_Materialize(benchmark::State &state) {
  int64_t n = state.range(0);
  setMode(Mode::Pure);
  Buffer in = Buffer::full({DType::F32, {4}}, 0.5);
  for (auto _ : state)
    benchmark::DoNotOptimize(chain(tensor(in), n).data());
  perNode(state, n);
}
BENCHMARK(BM_Materialize)->Arg(100)->Arg(1000);

} // namespace
} // namespace duet::bench

BENCHMARK_MAIN();
