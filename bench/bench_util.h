//===- bench/bench_util.h - shared helpers of the benchmarks ----*- C++ -*-===//
#pragma once

#include "backends/buffer.h"
#include "backends/torch_backend.h"
#include "ir/graph.h"
#include "ir/parser.h"

#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

namespace duet::bench {

/// Parses examples/<name>.duet from the source tree.
inline std::unique_ptr<Graph> loadExample(const std::string &name) {
  return parseGraphFile(std::string(DUET_SOURCE_DIR) + "/examples/" + name + ".duet");
}

/// Seeded random inputs matching the graph's inputs (floats in [-1, 1),
/// integer inputs in [0, 10)).
inline std::vector<Buffer> randomInputs(const Graph &g, uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uni(-1.0, 1.0);
  std::vector<Buffer> out;
  for (const Node *in : g.inputs()) {
    Buffer b = Buffer::allocate(in->type());
    dispatchDType(b.dtype(), [&](auto tag) {
      using T = decltype(tag);
      T *p = b.data<T>();
      for (int64_t i = 0; i < b.numel(); ++i) {
        if constexpr (std::is_floating_point_v<T>)
          p[i] = static_cast<T>(uni(rng));
        else if constexpr (std::is_same_v<T, bool>)
          p[i] = uni(rng) > 0;
        else
          p[i] = static_cast<T>(rng() % 10);
      }
    });
    out.push_back(b);
  }
  return out;
}

/// LibTorch eager on the same graph: every compute node run op by op with
/// ATen (one tensor allocated per op), inputs wrapped without copying. This
/// is the reference "what plain LibTorch would do" in the benchmarks.
class TorchEager {
public:
  explicit TorchEager(const Graph &g) : graph_(g) {
    for (const Node *n : g.nodes()) {
      if (n->isSource() && n->op() != OpKind::Constant)
        region_.inputs.push_back(n);
      else
        region_.nodes.push_back(n);
    }
    for (const Node *o : g.outputs())
      region_.outputs.push_back(o);
  }
  /// `values`: graph inputs then params, in the graph's order.
  std::vector<Buffer> run(const std::vector<Buffer> &values) {
    ConversionStats stats;
    return torchBackend()->runRegion(region_, values, stats);
  }

private:
  const Graph &graph_;
  TorchRegion region_;
};

/// Adds the machine facts every duet benchmark reports.
inline void addContext() {
  if (TorchBackend *t = torchBackend()) {
    benchmark::AddCustomContext("duet_torch", t->version());
    benchmark::AddCustomContext("duet_torch_blas", t->blasName());
    benchmark::AddCustomContext("duet_torch_threads", std::to_string(t->numThreads()));
  } else {
    benchmark::AddCustomContext("duet_torch", "absent");
  }
}

} // namespace duet::bench
