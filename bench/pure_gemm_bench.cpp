//===- bench/pure_gemm_bench.cpp - the pure interpreter's matmul node -----===//
//
// Square f32 matmul through runPureNode (dispatch + operand checks + Eigen
// GEMM into a preallocated output), reported as FLOP/s (2*n^3 per call).
// Reference: Eigen GEMM ran ~45-58 GFLOP/s per core on a 2-core Zen3 (no AVX-512);
// docs/benchmarks.md has this machine's figures.
// Rates use wall time: on a shared VM the process CPU time under-reports
// (it gave rates above the FMA peak), so wall time is the honest, if noisy,
// measure; run on an idle machine.
//

#include "backends/buffer.h"
#include "backends/pure/interpreter.h"
#include "ir/graph.h"

#include <benchmark/benchmark.h>

#include <vector>

namespace {

using namespace duet;

Buffer filled(Shape shape, float seed) {
  Buffer b = Buffer::allocate(DType::F32, std::move(shape));
  float *p = b.data<float>();
  for (int64_t i = 0; i < b.numel(); ++i)
    p[i] = float((i * 7919 + int64_t(seed * 104729)) % 1000) / 1000.0f - 0.5f;
  return b;
}

void BM_PureMatmulF32(benchmark::State &state) {
  const int64_t n = state.range(0);
  Graph g("gemm");
  Node *a = g.addInput("a", {DType::F32, {n, n}});
  Node *b = g.addInput("b", {DType::F32, {n, n}});
  Node *mm = g.addChecked(OpKind::Matmul, {a, b});
  std::vector<Buffer> inputs = {filled({n, n}, 1), filled({n, n}, 2)};
  Buffer out = Buffer::allocate(mm->type());
  for (auto _ : state) {
    runPureNode(*mm, inputs, out);
    benchmark::DoNotOptimize(out.raw());
    benchmark::ClobberMemory();
  }
  const double flops = 2.0 * double(n) * double(n) * double(n);
  state.counters["FLOP/s"] =
      benchmark::Counter(flops * double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PureMatmulF32)
    ->Arg(64)
    ->Arg(128)
    ->Arg(256)
    ->Arg(512)
    ->Arg(1024)
    ->Arg(2048)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

/// A batch of matrices times one shared weight (the MLP shape): folds into
/// one tall GEMM.
void BM_PureMatmulBatchedF32(benchmark::State &state) {
  const int64_t n = state.range(0), batch = 8;
  Graph g("bgemm");
  Node *a = g.addInput("a", {DType::F32, {batch, n, n}});
  Node *b = g.addInput("b", {DType::F32, {n, n}});
  Node *mm = g.addChecked(OpKind::Matmul, {a, b});
  std::vector<Buffer> inputs = {filled({batch, n, n}, 3), filled({n, n}, 4)};
  Buffer out = Buffer::allocate(mm->type());
  for (auto _ : state) {
    runPureNode(*mm, inputs, out);
    benchmark::DoNotOptimize(out.raw());
    benchmark::ClobberMemory();
  }
  const double flops = 2.0 * double(batch) * double(n) * double(n) * double(n);
  state.counters["FLOP/s"] =
      benchmark::Counter(flops * double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PureMatmulBatchedF32)->Arg(64)->Arg(256)->UseRealTime()->Unit(benchmark::kMicrosecond);

} // namespace

BENCHMARK_MAIN();
