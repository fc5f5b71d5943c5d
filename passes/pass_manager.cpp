//===- passes/pass_manager.cpp - running a pipeline of passes --------------===//
#include "passes/pass_manager.h"

#include "ir/error.h"
#include "ir/graph.h"
#include "ir/printer.h"
#include "ir/verifier.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

namespace duet {

namespace {

/// DUET_DEBUG level: 1 prints a line per pass, 2 also dumps the graph after
/// each pass (both to stderr). Read per run so tests can toggle it.
int debugLevel() {
  const char *env = std::getenv("DUET_DEBUG");
  return env ? std::atoi(env) : 0;
}

std::string dumpAfter(std::string_view pass, const Graph &g) {
  return fmt::format("*** IR Dump After {} ***\n{}", pass, printGraph(g));
}

} // namespace

void PassManager::setPrintAfter(std::string passName,
                                std::function<void(const std::string &)> sink) {
  printAfter_ = std::move(passName);
  sink_ = std::move(sink);
}

std::vector<std::string> PassManager::passNames() const {
  std::vector<std::string> names;
  names.reserve(passes_.size());
  for (const auto &p : passes_)
    names.emplace_back(p->name());
  return names;
}

bool PassManager::run(Graph &g) {
  std::vector<std::string> names = passNames();
  if (!printAfter_.empty() && printAfter_ != "*" &&
      std::find(names.begin(), names.end(), printAfter_) == names.end())
    throw OptionError(
        fmt::format("--print-after {}: not a pass of the pipeline; it runs {} (or '*' "
                    "for all)",
                    printAfter_, fmt::join(names, ", ")));
  timings_.clear();
  const int debug = debugLevel();
  bool anyChanged = false;
  for (const auto &pass : passes_) {
    const std::string name(pass->name());
#ifndef NDEBUG
    // The honesty check: a pass that says "unchanged" must not have changed
    // the structure (names and annotations are not part of the key).
    const std::string keyBefore = structuralKey(g);
#endif
    auto start = std::chrono::steady_clock::now();
    bool changed = pass->run(g);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    timings_.push_back({name, seconds, changed});
    anyChanged |= changed;

    // Dump before checking, so a broken graph can be seen.
    if (debug >= 1)
      std::cerr << fmt::format("duet: pass {:<16} {:>10.3f} ms  {}\n", name, seconds * 1e3,
                               changed ? "changed" : "unchanged");
    if (debug >= 2)
      std::cerr << dumpAfter(name, g);
    if (sink_ && (printAfter_ == "*" || printAfter_ == name))
      sink_(dumpAfter(name, g));
#ifndef NDEBUG
    if (!changed && structuralKey(g) != keyBefore)
      throw Error(fmt::format("internal error: pass '{}' changed the graph but reported no "
                              "change",
                              name));
#endif
    if (changed && verify_) {
      std::vector<std::string> problems = verifyGraph(g);
      if (!problems.empty())
        throw Error(fmt::format("after pass '{}': {}", name, fmt::join(problems, "; ")));
    }
  }
  return anyChanged;
}

} // namespace duet
