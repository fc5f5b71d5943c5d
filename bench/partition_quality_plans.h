//===- bench/partition_quality_plans.h - plans to compare -------*- C++ -*-===//
//
// Helpers of partition_quality_bench.cpp: the mixed graphs it measures, plans
// with a forced node assignment (for the exhaustive search), and interleaved
// timing of several plans (so a burst of load from other processes hits all
// of them alike).
//
#pragma once

#include "backends/runtime/compile.h"
#include "backends/runtime/executor.h"
#include "backends/runtime/params.h"
#include "backends/runtime/plan.h"
#include "ir/graph.h"
#include "ir/parser.h"
#include "passes/annotate_cost.h"
#include "passes/insert_conversions.h"
#include "passes/merge_regions.h"
#include "passes/pass_manager.h"
#include "passes/plan_estimate.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

namespace duet::bench {

/// Graphs mixing sizes: where one backend wins some nodes and the other the
/// rest. Each has at most 10 compute nodes, so the exhaustive search runs.
inline std::vector<std::string> mixedGraphTexts() {
  return {
      // A large convolution, then a classifier head of tiny ops.
      R"(graph conv_head(%x: f32[8,16,56,56]) params(%w: f32[16,16,3,3], %b: f32[16], %fc_w: f32[10,16], %fc_b: f32[10]) {
  %0 = conv2d(%x, %w, %b) {padding=[1,1]} : f32[8,16,56,56]
  %1 = relu(%0) : f32[8,16,56,56]
  %2 = adaptive_avg_pool2d(%1) {output_size=[1,1]} : f32[8,16,1,1]
  %3 = reshape(%2) {shape=[8,16]} : f32[8,16]
  %4 = linear(%3, %fc_w, %fc_b) : f32[8,10]
  %5 = tanh(%4) : f32[8,10]
  %6 = mul(%5, %4) : f32[8,10]
  %7 = softmax(%6) {axis=-1} : f32[8,10]
  return %7
})",
      // Large GEMMs and elementwise work, reduced to a small vector.
      R"(graph gemm_tail(%x: f32[512,512]) params(%w1: f32[512,512], %w2: f32[512,64], %v: f32[64]) {
  %0 = matmul(%x, %w1) : f32[512,512]
  %1 = gelu(%0) : f32[512,512]
  %2 = matmul(%1, %w2) : f32[512,64]
  %3 = sum(%2) {axes=[0]} : f32[64]
  %4 = add(%3, %v) : f32[64]
  %5 = tanh(%4) : f32[64]
  %6 = mul(%5, %5) : f32[64]
  %7 = sigmoid(%6) : f32[64]
  return %7
})",
      // Big elementwise chain (transcendentals) on 1M values, then small ops.
      R"(graph wide_then_small(%x: f32[1024,1024], %y: f32[1024,1024]) {
  %0 = mul(%x, %y) : f32[1024,1024]
  %1 = exp(%0) : f32[1024,1024]
  %2 = tanh(%1) : f32[1024,1024]
  %3 = max(%2) {axes=[1]} : f32[1024]
  %4 = reshape(%3) {shape=[32,32]} : f32[32,32]
  %5 = softmax(%4) {axis=-1} : f32[32,32]
  %6 = sum(%5) {axes=[0]} : f32[32]
  return %6
})",
      // Two small matmuls feeding a large one: branches of different sizes.
      R"(graph branches(%a: f32[64,64], %b: f32[64,64], %c: f32[256,256]) params(%w: f32[256,256]) {
  %0 = matmul(%a, %b) : f32[64,64]
  %1 = relu(%0) : f32[64,64]
  %2 = matmul(%c, %w) : f32[256,256]
  %3 = sigmoid(%2) : f32[256,256]
  %4 = sum(%3) {axes=[0]} : f32[256]
  %5 = sum(%1) {axes=[0]} : f32[64]
  %6 = sum(%4) {axes=[]} : f32[]
  %7 = add(%5, %6) : f32[64]
  return %7
})",
  };
}

/// The graph compile() partitions: conversions stripped, default pipeline run.
inline std::unique_ptr<Graph> optimizedGraph(const Graph &g) {
  std::unique_ptr<Graph> c = g.clone();
  stripConversions(*c);
  PassManager pm;
  addPipeline(pm, defaultPipeline());
  pm.run(*c);
  return c;
}

inline int computeNodes(const Graph &g) {
  int k = 0;
  for (const Node *n : g.nodes())
    k += n->isSource() || n->info().category == OpCategory::Conversion ? 0 : 1;
  return k;
}

/// Bit i of the mask: whether the i-th compute node (graph order) is on torch.
inline uint32_t assignmentOf(const Graph &planned) {
  uint32_t mask = 0;
  int k = 0;
  for (const Node *n : planned.nodes()) {
    if (n->isSource() || n->info().category == OpCategory::Conversion)
      continue;
    if (n->backend() == Backend::Torch)
      mask |= 1u << k;
    ++k;
  }
  return mask;
}

/// A plan running `optimized` with the given assignment: torch nodes grouped
/// by merge-regions' structural merging only (no cost decisions), then the
/// conversions, as compile() would build it.
inline std::shared_ptr<Plan> forcedPlan(const Graph &optimized, uint32_t mask,
                                        std::shared_ptr<const CostProfile> profile) {
  std::unique_ptr<Graph> g = optimized.clone();
  int k = 0;
  for (Node *n : g->nodes()) {
    n->setRegion(-1);
    if (n->isSource()) {
      n->setBackend(Backend::Pure);
      continue;
    }
    n->setBackend(mask & (1u << k++) ? Backend::Torch : Backend::Pure);
  }
  PartitionOptions po;
  po.mode = Mode::Torch; // structural merging only
  po.profile = profile;
  po.torchSupports = [](const Node &, std::string *) { return true; };
  AnnotateCostPass(po).run(*g);
  MergeRegionsPass(po).run(*g);
  InsertConversionsPass().run(*g);
  CompileOptions co;
  co.mode = Mode::Auto;
  co.partition.profile = profile;
  return buildExecutor(std::move(g), co, {});
}

using BenchClock = std::chrono::steady_clock;

/// Seconds of CPU time this thread has used: unlike wall time, it does not
/// count the time other processes hold the core. The plans run on this
/// thread alone when torch and OpenBLAS run one thread each.
inline double threadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

struct PlanTime {
  double wall = 1e30, cpu = 1e30; // per run, fastest batch of each
};

/// Per-run time of each plan: a warm-up, then rounds in which each plan
/// runs one short batch (~50 us, at least one run), about `secondsPerPlan`
/// in all; each plan's fastest batch counts. Short batches and the minimum:
/// on a shared machine other processes only ever add time, and a run
/// preempted halfway takes twice as long.
inline std::vector<PlanTime> timeInterleaved(const std::vector<Plan *> &plans,
                                             const std::vector<Buffer> &inputs,
                                             const ParamStore &params, double secondsPerPlan) {
  std::vector<int64_t> iters;
  double slowestBatch = 0;
  for (Plan *p : plans) {
    p->run(inputs, params);
    auto t0 = BenchClock::now();
    p->run(inputs, params);
    double once = std::max(std::chrono::duration<double>(BenchClock::now() - t0).count(), 1e-8);
    iters.push_back(std::clamp<int64_t>(static_cast<int64_t>(50e-6 / once), 1, 100000));
    slowestBatch = std::max(slowestBatch, once * static_cast<double>(iters.back()));
  }
  const int rounds = static_cast<int>(std::clamp(secondsPerPlan / slowestBatch, 5.0, 5000.0));
  std::vector<PlanTime> best(plans.size());
  for (int r = 0; r < rounds; ++r)
    for (size_t i = 0; i < plans.size(); ++i) {
      double c0 = threadCpuSeconds();
      auto t0 = BenchClock::now();
      for (int64_t k = 0; k < iters[i]; ++k)
        plans[i]->run(inputs, params);
      double wall = std::chrono::duration<double>(BenchClock::now() - t0).count();
      double cpu = threadCpuSeconds() - c0;
      best[i].wall = std::min(best[i].wall, wall / static_cast<double>(iters[i]));
      best[i].cpu = std::min(best[i].cpu, cpu / static_cast<double>(iters[i]));
    }
  return best;
}

} // namespace duet::bench
