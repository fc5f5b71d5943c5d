//===- backends/runtime/plan_cache.cpp - compiled plans, reused -----------===//
#include "backends/runtime/plan_cache.h"

#include "backends/runtime/executor.h"
#include "ir/graph.h"
#include "ir/printer.h"
#include "passes/pass_manager.h"

#include <fmt/format.h>

#include <iostream>

namespace duet {

namespace {

constexpr int64_t kRebuildWarningThreshold = 8;

} // namespace

PlanCache::PlanCache(size_t capacity)
    : capacity_(capacity == 0 ? 1 : capacity), counters_(std::make_shared<CacheCounters>()) {}

PlanCache::~PlanCache() = default;

std::string PlanCache::keyOf(const Graph &g, const CompileOptions &opts) {
  std::string key = structuralKey(g);
  // Parameters are bound by name at run time, and the graph and its inputs
  // are named in error messages: graphs differing only in these names get
  // separate plans.
  key += "\n;graph " + g.name() + "\n;inputs";
  for (const Node *n : g.inputs())
    key += " " + n->name();
  key += "\n;params";
  for (const Node *n : g.params())
    key += " " + n->name();
  // Every option, by structured binding: a field added to either struct
  // stops this from compiling until it is keyed (or said to be ignored).
  const auto &[mode, partition, pipeline, printAfter, printSink, strict, memoryLimitBytes] = opts;
  const auto &[partitionMode, profile, torchSupports, thresholds, minRegionSeconds,
               minRegionSavingFraction, fuseElementwise] = partition;
  // Ignored: printAfter/printSink (such compiles are never cached),
  // partition.mode and torchSupports (compile() sets them from `mode` and
  // the torch backend).
  (void)printAfter, (void)printSink, (void)partitionMode, (void)torchSupports;
  // The profile by identity: profileFromEnvironment() loads each file once,
  // and a cached plan keeps its profile alive, so the address is not reused.
  key += fmt::format("\n;mode={} strict={} memory-limit={} pipeline={} profile={} "
                     "min-region={} min-region-saving={} fuse={}",
                     modeName(mode), strict, memoryLimitBytes,
                     pipeline.empty() ? defaultPipeline() : pipeline,
                     static_cast<const void *>(profile.get()), minRegionSeconds,
                     minRegionSavingFraction, fuseElementwise);
  for (const auto &[op, threshold] : thresholds)
    key += fmt::format(" threshold.{}={}", op, threshold);
  return key;
}

std::shared_ptr<Plan> PlanCache::getOrCompile(const Graph &g, const CompileOptions &opts) {
  if (!opts.printAfter.empty()) {
    std::shared_ptr<CacheCounters> counters;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      counters_->misses++;
      counters = counters_;
    }
    std::shared_ptr<Plan> plan = compile(g, opts);
    if (auto *exec = dynamic_cast<Executor *>(plan.get()))
      exec->attachCacheCounters(counters); // its stats still show the cache's counts
    return plan;
  }
  std::string key = keyOf(g, opts);
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = plans_.find(key); it != plans_.end()) {
    counters_->hits++;
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return it->second.plan;
  }
  counters_->misses++;
  // Compiled under the lock: simple, and two threads never compile the same
  // graph twice. (The profile pointer in the key stays valid because the
  // plan keeps its options, profile included, alive.)
  std::shared_ptr<Plan> plan = compile(g, opts);
  if (auto *exec = dynamic_cast<Executor *>(plan.get()))
    exec->attachCacheCounters(counters_);

  NameInfo &info = byName_[g.name()];
  if (++info.builds > kRebuildWarningThreshold && !info.warned) {
    info.warned = true;
    std::cerr << fmt::format("duet: warning: plan for graph '{}' rebuilt {} times: input shapes "
                             "keep changing (each new shape compiles a new plan)\n",
                             g.name(), info.builds);
  }

  lru_.push_front(key);
  plans_.emplace(std::move(key), Entry{plan, lru_.begin()});
  while (plans_.size() > capacity_) {
    plans_.erase(lru_.back());
    lru_.pop_back();
  }
  return plan;
}

int64_t PlanCache::hits() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return counters_->hits.load();
}

int64_t PlanCache::misses() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return counters_->misses.load();
}

size_t PlanCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return plans_.size();
}

void PlanCache::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  plans_.clear();
  lru_.clear();
  byName_.clear();
  // Fresh counters; plans handed out earlier keep reporting the old ones.
  counters_ = std::make_shared<CacheCounters>();
}

PlanCache &globalPlanCache() {
  static PlanCache cache;
  return cache;
}

} // namespace duet
