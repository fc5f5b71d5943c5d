//===- backends/runtime/executor.cpp - running a plan ---------------------===//
#include "backends/runtime/executor.h"

#include "backends/runtime/memory_plan.h"

#include "passes/inspect/dump.h"

#include "backends/pure/interpreter.h"
#include "ir/error.h"

#include <fmt/format.h>

#include <iostream>

namespace duet {

Executor::Executor(Parts parts) : p_(std::move(parts)) {
  stats_.steps = p_.timings;
  memory_ = std::make_unique<MemoryPlan>(planMemory(p_));
  stats_.arenaBytes = memory_->arenaBytes;
  values_.resize(static_cast<size_t>(p_.numSlots));
  std::vector<bool> constant(values_.size(), false);
  for (const auto &[slot, value] : p_.constants) {
    values_[slot] = value;
    constant[slot] = true;
  }
  // Everything but the arena views and the constants changes per run; those
  // of its slots that die before the end are dropped right after their last
  // reader, as before memory planning.
  for (size_t slot = 0; slot < values_.size(); ++slot)
    if (memory_->storage[slot] != SlotStorage::Arena && !constant[slot])
      transientSlots_.push_back(static_cast<int>(slot));
  releaseAfter_.resize(p_.steps.size());
  for (size_t t = 0; t < p_.steps.size(); ++t)
    for (int slot : p_.steps[t].release)
      if (memory_->storage[slot] != SlotStorage::Arena && !constant[slot])
        releaseAfter_[t].push_back(slot);
}

Executor::~Executor() = default;

int64_t Executor::arenaBytes() const { return memory_->arenaBytes; }

std::string Executor::explain() const {
  PartitionOptions opts = p_.options.partition;
  opts.mode = p_.options.mode;
  return explainPartitioned(*p_.graph, opts);
}

std::string Executor::compileReport() const {
  std::string out =
      fmt::format("compile: graph '{}', mode {}, {} steps ({} torch regions)\n", p_.graph->name(),
                  modeName(p_.options.mode), p_.steps.size(), p_.regions.size());
  double total = 0;
  for (const PassTiming &t : p_.passTimings) {
    out += fmt::format("  {:<20} {:>10.3f} ms  {}\n", t.pass, t.seconds * 1e3,
                       t.changed ? "changed" : "unchanged");
    total += t.seconds;
  }
  out += fmt::format("  {:<20} {:>10.3f} ms\n", "total", total * 1e3);
  out += fmt::format("  {:<20} {}\n", "memory-plan", memory_->summary());
  return out;
}

void Executor::bindInputs(std::span<const Buffer> inputs, const ParamStore &params) {
  const Graph &g = *p_.graph;
  if (inputs.size() != g.inputs().size()) {
    std::string names;
    for (const Node *n : g.inputs())
      names += (names.empty() ? "" : ", ") + n->name();
    throw Error(fmt::format("graph '{}' takes {} input{} ({}), got {}", g.name(), g.inputs().size(),
                            g.inputs().size() == 1 ? "" : "s", names, inputs.size()));
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Node &n = *g.inputs()[i];
    if (!inputs[i].defined())
      throw Error(fmt::format("input '{}' (#{}): expected {}, got an empty buffer", n.name(), i,
                              n.type().str()));
    if (inputs[i].type() != n.type())
      throw Error(fmt::format("input '{}' (#{}): expected {}, got {}", n.name(), i, n.type().str(),
                              inputs[i].type().str()));
    values_[p_.inputSlots[i]] = inputs[i];
  }
  for (size_t i = 0; i < g.params().size(); ++i) {
    const Node &n = *g.params()[i];
    auto it = params.find(n.name());
    if (it == params.end() || !it->second.defined())
      throw Error(fmt::format("missing param '{}' ({})", n.name(), n.type().str()));
    if (it->second.type() != n.type())
      throw Error(fmt::format("param '{}': expected {}, got {}", n.name(), n.type().str(),
                              it->second.type().str()));
    values_[p_.paramSlots[i]] = it->second;
  }
}

void Executor::runPure(const PureStep &s) {
  if (s.alias) {
    values_[s.output] = values_[s.inputs[0]];
    return;
  }
  scratch_.clear();
  for (int slot : s.inputs)
    scratch_.push_back(values_[slot]);
  Buffer out = Buffer::allocate(s.node->type());
  runPureNode(*s.node, scratch_, out);
  values_[s.output] = std::move(out);
}

void Executor::runRegion(const RegionStep &r, StepTiming &timing) {
  TorchBackend *torch = torchBackend();
  std::string failure;
  if (torch) {
    try {
      scratch_.clear();
      for (int slot : r.inputSlots)
        scratch_.push_back(values_[slot]);
      ConversionStats conv;
      std::vector<Buffer> outs = torch->runRegion(r.region, scratch_, conv);
      if (outs.size() != r.outputSlots.size())
        throw Error(fmt::format("torch backend returned {} values for {} region outputs",
                                outs.size(), r.outputSlots.size()));
      for (size_t i = 0; i < outs.size(); ++i)
        if (!outs[i].defined() || outs[i].type() != r.region.outputs[i]->type())
          throw Error(fmt::format("torch backend returned {} for a value of type {}",
                                  outs[i].defined() ? outs[i].type().str() : "nothing",
                                  r.region.outputs[i]->type().str()));
      for (size_t i = 0; i < outs.size(); ++i)
        values_[r.outputSlots[i]] = std::move(outs[i]);
      timing.conversions = conv.conversions;
      timing.convertedBytes = conv.zeroCopyBytes + conv.copiedBytes;
      stats_.conversions += conv.conversions;
      stats_.zeroCopyBytes += conv.zeroCopyBytes;
      stats_.copiedBytes += conv.copiedBytes;
      stats_.torchNodes += r.computeNodes;
      timing.backend = "torch";
      return;
    } catch (const std::exception &e) {
      failure = e.what();
    } catch (...) {
      failure = "unknown exception";
    }
  } else {
    failure = kNoTorchMessage;
  }

  if (p_.options.strict)
    throw Error(fmt::format("torch region {} failed (strict mode): {}", r.id, failure));
  if (!warnedFallback_) {
    warnedFallback_ = true;
    std::cerr << fmt::format("duet: warning: torch region {} failed ({}); running it on the "
                             "pure interpreter (further fallbacks are counted in --stats)\n",
                             r.id, failure);
  }
  ++stats_.fallbacks;
  for (const PureStep &s : r.fallback)
    runPure(s);
  stats_.pureNodes += r.computeNodes;
  timing.backend = "pure (fallback)";
}

} // namespace duet
