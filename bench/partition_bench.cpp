//===- bench/partition_bench.cpp - partitioning a 20,000-node graph --------===//
//
// Time of partition + merge-regions (and of the conversion insertion) on
// seeded random DAGs: "local" graphs take most operands from the last 16
// values (like real networks); "far" ones take half of them from anywhere,
// the worst case for the cycle checks (their search windows span the graph).
//
#include "ir/graph.h"
#include "passes/annotate_cost.h"
#include "passes/insert_conversions.h"
#include "passes/merge_regions.h"
#include "passes/partition.h"
#include "tests/passes/random_dag.h"

#include <benchmark/benchmark.h>

namespace duet {
namespace {

PartitionOptions torchEverywhere(Mode mode) {
  PartitionOptions o;
  o.mode = mode;
  o.torchSupports = [](const Node &, std::string *) { return true; };
  return o;
}

std::unique_ptr<Graph> benchGraph(int nodes, double far, double torch) {
  test::RandomDagSpec spec;
  spec.nodes = nodes;
  spec.window = 16;
  spec.farOperand = far;
  spec.torchFraction = torch;
  return test::randomDag(1234, spec);
}

// Random pure/torch assignment (as partition would give in a mixed graph),
// then merge-regions: the cycle-safe merging itself.
void BM_MergeRegions(benchmark::State &state) {
  double far = static_cast<double>(state.range(1)) / 100.0;
  auto g = benchGraph(static_cast<int>(state.range(0)), far, 0.5);
  MergeRegionsPass merge(torchEverywhere(Mode::Torch));
  for (auto _ : state) {
    for (Node *n : g->nodes())
      n->setRegion(-1);
    merge.run(*g);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_MergeRegions)->Args({20000, 5})->Args({20000, 50})->Unit(benchmark::kMillisecond);

// The whole decision in auto mode: annotate-cost, partition, merge-regions
// (with the cost-driven absorb/evict steps), on a graph whose random
// backends come from per-node costs rather than a coin.
void BM_PartitionAndMergeAuto(benchmark::State &state) {
  auto g = benchGraph(static_cast<int>(state.range(0)), 0.05, 0.5);
  std::vector<Backend> assigned;
  for (const Node *n : g->nodes())
    assigned.push_back(n->backend());
  PartitionOptions opts = torchEverywhere(Mode::Auto);
  for (auto _ : state) {
    AnnotateCostPass(opts).run(*g);
    PartitionPass(opts).run(*g);
    // Re-impose the random assignment so there is something to merge (the
    // default profile would put every small elementwise op on pure).
    size_t i = 0;
    for (Node *n : g->nodes())
      n->setBackend(assigned[i++]);
    MergeRegionsPass(opts).run(*g);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_PartitionAndMergeAuto)->Arg(20000)->Unit(benchmark::kMillisecond);

void BM_InsertConversions(benchmark::State &state) {
  auto base = benchGraph(static_cast<int>(state.range(0)), 0.05, 0.5);
  MergeRegionsPass(torchEverywhere(Mode::Torch)).run(*base);
  for (auto _ : state) {
    state.PauseTiming();
    auto g = base->clone();
    state.ResumeTiming();
    InsertConversionsPass().run(*g);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_InsertConversions)->Arg(20000)->Unit(benchmark::kMillisecond);

} // namespace
} // namespace duet

BENCHMARK_MAIN();
