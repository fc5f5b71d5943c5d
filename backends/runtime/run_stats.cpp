//===- backends/runtime/run_stats.cpp - what a run did, as a table --------===//
#include "backends/runtime/run_stats.h"

#include <fmt/format.h>

#include <algorithm>

namespace duet {

namespace {

/// "1.234 ms" / "56.7 us" / "-" for unknown estimates.
std::string formatSeconds(double s, bool unknownIfZero = false) {
  if (unknownIfZero && s <= 0)
    return "-";
  if (s >= 1.0)
    return fmt::format("{:.3f} s", s);
  if (s >= 1e-3)
    return fmt::format("{:.3f} ms", s * 1e3);
  return fmt::format("{:.1f} us", s * 1e6);
}

std::string formatBytes(int64_t b) {
  if (b >= (int64_t{1} << 20))
    return fmt::format("{:.1f} MiB", static_cast<double>(b) / (1 << 20));
  if (b >= (int64_t{1} << 10))
    return fmt::format("{:.1f} KiB", static_cast<double>(b) / (1 << 10));
  return fmt::format("{} B", b);
}

} // namespace

std::string RunStats::format() const {
  std::string out;
  out += fmt::format("nodes:        {} pure, {} torch\n", pureNodes, torchNodes);
  out += fmt::format("regions:      {} torch region{}, {} fallback{} to pure\n", regions,
                     regions == 1 ? "" : "s", fallbacks, fallbacks == 1 ? "" : "s");
  out += fmt::format("conversions:  {} ({} zero-copy, {} copied)\n", conversions,
                     formatBytes(zeroCopyBytes), formatBytes(copiedBytes));
  out += fmt::format("plan cache:   {} hit{}, {} miss{}\n", planCacheHits,
                     planCacheHits == 1 ? "" : "s", planCacheMisses,
                     planCacheMisses == 1 ? "" : "es");
  out += fmt::format("arena:        {}\n", formatBytes(arenaBytes));
  out += fmt::format("total:        {}\n", formatSeconds(totalSeconds, true));
  if (steps.empty())
    return out;

  size_t labelWidth = 4, backendWidth = 7;
  for (const StepTiming &s : steps) {
    labelWidth = std::max(labelWidth, s.label.size());
    backendWidth = std::max(backendWidth, s.backend.size());
  }
  out += fmt::format("\n{:<{}}  {:<{}}  {:>11}  {:>11}\n", "step", labelWidth, "backend",
                     backendWidth, "estimated", "measured");
  for (const StepTiming &s : steps)
    out += fmt::format("{:<{}}  {:<{}}  {:>11}  {:>11}\n", s.label, labelWidth, s.backend,
                       backendWidth, formatSeconds(s.estimatedSeconds, true),
                       formatSeconds(s.measuredSeconds));
  return out;
}

} // namespace duet
