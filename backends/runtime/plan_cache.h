//===- backends/runtime/plan_cache.h - compiled plans, reused ---*- C++ -*-===//
#pragma once

#include "backends/runtime/compile.h"

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace duet {

struct CacheCounters;

/// Compiled plans keyed by the graph's structure (structuralKey, which
/// includes every shape), its name and its input and parameter names
/// (parameters are bound by name), the mode and a fingerprint of the options. Thread-safe.
/// When one graph name has compiled more than 8 distinct keys it warns once
/// on stderr that input shapes keep changing.
class PlanCache {
public:
  explicit PlanCache(size_t capacity = 256);
  ~PlanCache();

  /// The cached plan for (g, opts), compiling it on a miss. Options with
  /// `printAfter` set always compile (the dump is what they ask for) and
  /// are not cached.
  std::shared_ptr<Plan> getOrCompile(const Graph &g, const CompileOptions &opts);

  int64_t hits() const;
  int64_t misses() const;
  size_t size() const;
  /// Drops every plan and resets the counters and rebuild warnings.
  void clear();

  /// The cache key (exposed for tests and `duet dump`).
  static std::string keyOf(const Graph &g, const CompileOptions &opts);

private:
  struct Entry {
    std::shared_ptr<Plan> plan;
    std::list<std::string>::iterator lru;
  };
  size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> plans_;
  std::list<std::string> lru_; // most recent first
  std::shared_ptr<CacheCounters> counters_;
  struct NameInfo {
    int64_t builds = 0;
    bool warned = false;
  };
  std::map<std::string, NameInfo> byName_;
};

/// The process-wide cache used by plain runs (frontend, CLI).
PlanCache &globalPlanCache();

} // namespace duet
