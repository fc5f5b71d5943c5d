//===- backends/runtime/dispatch.cpp - the executor's hot loop ------------===//
//
// The first run lays out the arena (memory_plan.h) and turns the steps into
// a flat array of DispatchSteps whose operand views point into it. Later
// runs only re-point the views of values that change per run (inputs,
// params, outputs, torch results) by assigning Buffers of unchanged shape,
// which reuses their storage: a pure plan's steady-state run allocates
// nothing when the caller provides the output buffers.
//
#include "backends/runtime/executor.h"

#include "backends/pure/interpreter.h"
#include "backends/runtime/memory_plan.h"
#include "ir/error.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace duet {

namespace {

using Clock = std::chrono::steady_clock;

double secondsBetween(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

constexpr size_t kArenaAlignment = 64;

/// Smallest fused loops run as a group: below this every buffer of a few
/// loops fits in L2 anyway.
constexpr int64_t kMinGroupElements = int64_t(1) << 15;

/// Releases the per-run buffers when a run ends, thrown or not.
template <class F> struct OnExit {
  F f;
  ~OnExit() { f(); }
};
template <class F> OnExit(F) -> OnExit<F>;

} // namespace

void Executor::buildDispatch() {
  const std::vector<Node *> &nodes = p_.graph->nodes();
  const MemoryPlan &m = *memory_;
  const size_t bytes = static_cast<size_t>(m.arenaBytes) + kArenaAlignment;
  void *base = std::aligned_alloc(kArenaAlignment, bytes);
  if (!base)
    throw Error(fmt::format("out of memory allocating the {} byte arena of graph '{}'",
                            m.arenaBytes, p_.graph->name()));
  std::memset(base, 0, bytes);
  arena_ = std::shared_ptr<void>(base, [](void *q) { std::free(q); });
  for (size_t slot = 0; slot < values_.size(); ++slot)
    if (m.storage[slot] == SlotStorage::Arena)
      values_[slot] =
          Buffer::wrap(nodes[slot]->type(), static_cast<char *>(base) + m.offset[slot], arena_);

  std::vector<size_t> viewBegin;
  for (size_t t = 0; t < p_.steps.size(); ++t) {
    const Step &s = p_.steps[t];
    if (s.region < 0 && m.viewOf[s.pure.output] >= 0)
      continue; // a reshape in the arena: its view already shows the result
    DispatchStep d;
    d.step = static_cast<int>(t);
    d.refreshBegin = static_cast<uint32_t>(refresh_.size());
    viewBegin.push_back(views_.size());
    if (s.region >= 0) {
      d.kind = DispatchStep::Kind::Region;
    } else if (s.pure.alias) {
      d.kind = DispatchStep::Kind::Alias;
      d.out = &values_[s.pure.output];
    } else {
      d.node = s.pure.node;
      d.out = &values_[s.pure.output];
      d.numIns = static_cast<uint32_t>(s.pure.inputs.size());
      for (int slot : s.pure.inputs) {
        if (std::binary_search(transientSlots_.begin(), transientSlots_.end(), slot))
          refresh_.push_back({static_cast<uint32_t>(views_.size()), slot});
        views_.push_back(values_[slot]); // arena views are final; others re-pointed per run
      }
    }
    d.refreshEnd = static_cast<uint32_t>(refresh_.size());
    dispatch_.push_back(d);
  }
  // views_ is complete: its addresses are stable from here on.
  for (size_t i = 0; i < dispatch_.size(); ++i) {
    DispatchStep &d = dispatch_[i];
    if (d.kind == DispatchStep::Kind::Kernel)
      d.ins = views_.data() + viewBegin[i];
    else if (d.kind == DispatchStep::Kind::Alias)
      d.ins = &values_[p_.steps[d.step].pure.inputs[0]];
  }
  groupFusedLoops();
  releaseRunValues();
}

void Executor::groupFusedLoops() {
  for (size_t i = 0; i < dispatch_.size();) {
    DispatchStep &d = dispatch_[i];
    size_t end = i + 1;
    if (d.kind == DispatchStep::Kind::Kernel) {
      const int64_t n = d.node->type().numel();
      auto joins = [&](const DispatchStep &e) {
        return e.kind == DispatchStep::Kind::Kernel && fusedGroupable(*e.node, n);
      };
      if (n >= kMinGroupElements && joins(d))
        while (end < dispatch_.size() && end - i < kMaxFusedGroup && joins(dispatch_[end]))
          ++end;
    }
    if (end - i > 1) {
      d.groupSize = static_cast<uint32_t>(end - i);
      d.groupBegin = static_cast<uint32_t>(groupMembers_.size());
      for (size_t k = i; k < end; ++k)
        groupMembers_.push_back(
            {dispatch_[k].node, std::span<const Buffer>(dispatch_[k].ins, dispatch_[k].numIns),
             dispatch_[k].out});
    }
    i = end;
  }
}

void Executor::releaseRunValues() {
  for (int slot : transientSlots_)
    values_[slot].release();
  for (const Refresh &r : refresh_)
    views_[r.view].release();
  for (Buffer &b : scratch_)
    b.release();
}

void Executor::execute() {
  stats_.pureNodes = stats_.torchNodes = stats_.regions = 0;
  stats_.conversions = stats_.zeroCopyBytes = stats_.copiedBytes = 0;
  const bool timed = timeSteps_;
  const auto runStart = timed ? Clock::now() : Clock::time_point();
  int64_t kernels = memory_->viewSteps;
  for (size_t i = 0; i < dispatch_.size(); ++i) {
    const DispatchStep &d = dispatch_[i];
    Clock::time_point start;
    if (timed)
      start = Clock::now();
    if (d.groupSize > 1) {
      const std::span<const DispatchStep> group(&d, d.groupSize);
      for (const DispatchStep &g : group)
        for (uint32_t r = g.refreshBegin; r < g.refreshEnd; ++r)
          views_[refresh_[r].view] = values_[refresh_[r].slot];
      runFusedGroup(std::span<const FusedGroupMember>(groupMembers_.data() + d.groupBegin,
                                                      d.groupSize));
      const auto end = timed ? Clock::now() : Clock::time_point();
      for (const DispatchStep &g : group) {
        for (uint32_t r = g.refreshBegin; r < g.refreshEnd; ++r)
          views_[refresh_[r].view].release();
        for (int slot : releaseAfter_[g.step])
          values_[slot].release();
        if (timed) { // one loop: each node is shown with an equal share
          StepTiming &timing = stats_.steps[g.step];
          timing.startSeconds = secondsBetween(runStart, start);
          timing.measuredSeconds = secondsBetween(start, end) / d.groupSize;
        }
      }
      kernels += d.groupSize;
      i += d.groupSize - 1;
      continue;
    }
    for (uint32_t r = d.refreshBegin; r < d.refreshEnd; ++r)
      views_[refresh_[r].view] = values_[refresh_[r].slot];
    switch (d.kind) {
    case DispatchStep::Kind::Kernel:
      runPureNodeUnchecked(*d.node, std::span<const Buffer>(d.ins, d.numIns), *d.out);
      ++kernels;
      break;
    case DispatchStep::Kind::Alias: *d.out = *d.ins; break;
    case DispatchStep::Kind::Region:
      stats_.steps[d.step].conversions = stats_.steps[d.step].convertedBytes = 0;
      runRegion(p_.regions[p_.steps[d.step].region], stats_.steps[d.step]);
      ++stats_.regions;
      break;
    }
    for (uint32_t r = d.refreshBegin; r < d.refreshEnd; ++r)
      views_[refresh_[r].view].release();
    for (int slot : releaseAfter_[d.step])
      values_[slot].release();
    if (timed) {
      StepTiming &timing = stats_.steps[d.step];
      const auto end = Clock::now();
      timing.startSeconds = secondsBetween(runStart, start);
      timing.measuredSeconds = secondsBetween(start, end);
    }
  }
  stats_.pureNodes += kernels;
  if (cache_) {
    stats_.planCacheHits = cache_->hits.load();
    stats_.planCacheMisses = cache_->misses.load();
  }
}

std::vector<Buffer> Executor::run(std::span<const Buffer> inputs, const ParamStore &params) {
  std::lock_guard<std::mutex> lock(runMutex_);
  const auto runStart = Clock::now(); // the run's total is always recorded
  if (!arena_)
    buildDispatch();
  OnExit release{[this] { releaseRunValues(); }};
  bindInputs(inputs, params);
  // Returned buffers are the caller's from here on: fresh ones every run.
  const std::vector<Node *> &nodes = p_.graph->nodes();
  for (int slot : p_.outputSlots)
    if (memory_->storage[slot] == SlotStorage::Output && !values_[slot].defined())
      values_[slot] = Buffer::allocate(nodes[slot]->type());
  for (int slot : transientSlots_)
    if (memory_->storage[slot] == SlotStorage::Fresh)
      values_[slot] = Buffer::allocate(nodes[slot]->type());
  execute();
  std::vector<Buffer> outputs;
  outputs.reserve(p_.outputSlots.size());
  for (int slot : p_.outputSlots)
    outputs.push_back(values_[slot]);
  stats_.totalSeconds = secondsBetween(runStart, Clock::now());
  return outputs;
}

void Executor::bindOutputs(std::span<Buffer> outputs) {
  const Graph &g = *p_.graph;
  if (outputs.size() != p_.outputSlots.size())
    throw Error(fmt::format("graph '{}' has {} output{}, got {} output buffers", g.name(),
                            p_.outputSlots.size(), p_.outputSlots.size() == 1 ? "" : "s",
                            outputs.size()));
  for (size_t i = 0; i < outputs.size(); ++i) {
    const int slot = p_.outputSlots[i];
    const TensorType &want = g.nodes()[slot]->type();
    if (!outputs[i].defined() || outputs[i].type() != want)
      throw Error(fmt::format("output buffer #{}: expected {}, got {}", i, want.str(),
                              outputs[i].defined() ? outputs[i].type().str() : "an empty buffer"));
    // A pure result is computed straight into the caller's buffer (once,
    // if the graph returns it twice); everything else is copied at the end.
    if (memory_->storage[slot] == SlotStorage::Output && !values_[slot].defined())
      values_[slot] = outputs[i];
  }
}

void Executor::finishRun(std::span<Buffer> outputs) {
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Buffer &v = values_[p_.outputSlots[i]];
    if (v.raw() != outputs[i].raw() && v.nbytes() > 0)
      std::memcpy(outputs[i].raw(), v.raw(), v.nbytes());
  }
}

void Executor::run(std::span<const Buffer> inputs, const ParamStore &params,
                   std::span<Buffer> outputs) {
  std::lock_guard<std::mutex> lock(runMutex_);
  const auto runStart = Clock::now(); // the run's total is always recorded
  if (!arena_)
    buildDispatch();
  OnExit release{[this] { releaseRunValues(); }};
  bindInputs(inputs, params);
  bindOutputs(outputs);
  const std::vector<Node *> &nodes = p_.graph->nodes();
  for (int slot : transientSlots_)
    if (memory_->storage[slot] == SlotStorage::Fresh)
      values_[slot] = Buffer::allocate(nodes[slot]->type());
  execute();
  finishRun(outputs);
  stats_.totalSeconds = secondsBetween(runStart, Clock::now());
}

} // namespace duet
