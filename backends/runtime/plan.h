//===- backends/runtime/plan.h - an executable, partitioned plan -*- C++ -*-===//
#pragma once

#include "backends/buffer.h"
#include "backends/runtime/run_stats.h"

#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace duet {

class Graph;

/// Parameter values by name.
using ParamStore = std::map<std::string, Buffer>;

/// A compiled graph: the optimized, partitioned graph plus a flat list of
/// steps (pure nodes and torch regions). Run it many times with new inputs.
class Plan {
public:
  virtual ~Plan() = default;
  /// The graph after all passes (annotated with backends and regions).
  virtual const Graph &graph() const = 0;
  /// Runs with `inputs` in graph-input order and parameters by name.
  /// Throws duet::Error naming the input on a count/dtype/shape mismatch, or
  /// a missing parameter. Returns one buffer per graph output.
  virtual std::vector<Buffer> run(std::span<const Buffer> inputs, const ParamStore &params) = 0;
  /// The allocation-free form: writes the graph outputs into `outputs`,
  /// caller-owned buffers of the outputs' types (reused run after run). In
  /// pure mode a run of a plan that has run before allocates nothing.
  /// Throws duet::Error on a count or type mismatch of `outputs`.
  virtual void run(std::span<const Buffer> inputs, const ParamStore &params,
                   std::span<Buffer> outputs) = 0;
  /// Measure each step's time in stats().steps (off by default: two clock
  /// reads per step are most of a tiny node's cost; the run's totalSeconds
  /// is measured always). `duet run --stats` / `--trace` turn it on.
  virtual void setStepTiming(bool on) = 0;
  /// Bytes of the arena the memory planner laid the intermediate values in.
  virtual int64_t arenaBytes() const = 0;
  /// Statistics of the most recent run (and cumulative fallback count).
  virtual const RunStats &stats() const = 0;
  /// Per-pass timings of the compilation.
  virtual std::string compileReport() const = 0;
  /// Why each node runs where it does, and the estimated total against the
  /// all-pure and all-torch plans (what `duet dump --explain` shows).
  virtual std::string explain() const = 0;
};

} // namespace duet
