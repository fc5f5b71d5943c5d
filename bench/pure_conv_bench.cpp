//===- bench/pure_conv_bench.cpp - the pure interpreter's conv2d node -----===//
//
// conv2d (im2col + Eigen GEMM) on typical CNN layer shapes, as FLOP/s
// (2 * N * O * OH * OW * C/groups * kH * kW per call, wall time).
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
    p[i] = float((i * 7919) % 1000) / 1000.0f - 0.5f;
  return b;
}

/// Args: batch, channels in, channels out, spatial size, kernel, stride, groups.
void BM_PureConv2dF32(benchmark::State &state) {
  const int64_t n = state.range(0), c = state.range(1), o = state.range(2), hw = state.range(3);
  const int64_t k = state.range(4), stride = state.range(5), groups = state.range(6);
  Graph g("conv");
  Node *x = g.addInput("x", {DType::F32, {n, c, hw, hw}});
  Node *w = g.addInput("w", {DType::F32, {o, c / groups, k, k}});
  Attributes a;
  a.set("stride", std::vector<int64_t>{stride, stride});
  a.set("padding", std::vector<int64_t>{k / 2, k / 2});
  a.set("groups", groups);
  Node *conv = g.addChecked(OpKind::Conv2d, {x, w}, a);
  std::vector<Buffer> inputs = {filled(x->shape()), filled(w->shape())};
  Buffer out = Buffer::allocate(conv->type());
  for (auto _ : state) {
    runPureNode(*conv, inputs, out);
    benchmark::DoNotOptimize(out.raw());
    benchmark::ClobberMemory();
  }
  const Shape &ys = conv->shape();
  const double flops = 2.0 * double(ys[0] * ys[1] * ys[2] * ys[3]) * double(c / groups * k * k);
  state.counters["FLOP/s"] =
      benchmark::Counter(flops * double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PureConv2dF32)
    ->Args({1, 3, 64, 224, 7, 2, 1})  // ResNet stem
    ->Args({1, 64, 64, 56, 3, 1, 1})  // ResNet 3x3 block
    ->Args({8, 64, 64, 28, 3, 1, 1})  // batched
    ->Args({1, 256, 64, 56, 1, 1, 1}) // 1x1 bottleneck (no im2col)
    ->Args({1, 64, 64, 56, 3, 1, 64}) // depthwise
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
