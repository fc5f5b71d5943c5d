//===- bench/pure_elementwise_bench.cpp - pure add / relu nodes -----------===//
//
// Node-by-node elementwise cost in the pure interpreter, from 1K to 4M f32
// elements, into a preallocated output: per-node dispatch overhead at the
// small end, memory bandwidth at the large end. The broadcast case (a bias
// row added to a matrix) exercises the strided loop instead of the flat
// fast path.
//

#include "backends/buffer.h"
#include "backends/pure/interpreter.h"
#include "ir/graph.h"

#include <benchmark/benchmark.h>

#include <vector>

namespace {

using namespace duet;

Buffer filled(Shape shape) {
  Buffer b = Buffer::allocate(DType::F32, std::move(shape));
  float *p = b.data<float>();
  for (int64_t i = 0; i < b.numel(); ++i)
    p[i] = float(i % 1000) / 500.0f - 1.0f;
  return b;
}

void runLoop(benchmark::State &state, const Node &node, const std::vector<Buffer> &inputs,
             int64_t bytesPerElement) {
  Buffer out = Buffer::allocate(node.type());
  for (auto _ : state) {
    runPureNode(node, inputs, out);
    benchmark::DoNotOptimize(out.raw());
    benchmark::ClobberMemory();
  }
  const int64_t n = out.numel();
  state.SetItemsProcessed(state.iterations() * n);
  state.SetBytesProcessed(state.iterations() * n * bytesPerElement);
}

void BM_PureAddF32(benchmark::State &state) {
  const int64_t n = state.range(0);
  Graph g("add");
  Node *a = g.addInput("a", {DType::F32, {n}});
  Node *b = g.addInput("b", {DType::F32, {n}});
  Node *add = g.addChecked(OpKind::Add, {a, b});
  runLoop(state, *add, {filled({n}), filled({n})}, 12);
}
BENCHMARK(BM_PureAddF32)->RangeMultiplier(4)->Range(1 << 10, 1 << 22)->UseRealTime();

void BM_PureReluF32(benchmark::State &state) {
  const int64_t n = state.range(0);
  Graph g("relu");
  Node *x = g.addInput("x", {DType::F32, {n}});
  Node *relu = g.addChecked(OpKind::Relu, {x});
  runLoop(state, *relu, {filled({n})}, 8);
}
BENCHMARK(BM_PureReluF32)->RangeMultiplier(4)->Range(1 << 10, 1 << 22)->UseRealTime();

void BM_PureAddBiasRowF32(benchmark::State &state) {
  const int64_t n = state.range(0), cols = 1024, rows = n / cols;
  Graph g("bias");
  Node *x = g.addInput("x", {DType::F32, {rows, cols}});
  Node *b = g.addInput("b", {DType::F32, {cols}});
  Node *add = g.addChecked(OpKind::Add, {x, b});
  runLoop(state, *add, {filled({rows, cols}), filled({cols})}, 8);
}
BENCHMARK(BM_PureAddBiasRowF32)->RangeMultiplier(4)->Range(1 << 10, 1 << 22)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
