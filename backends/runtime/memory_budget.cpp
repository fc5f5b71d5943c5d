//===- backends/runtime/memory_budget.cpp - refusing graphs too big to run ===//
#include "backends/runtime/memory_budget.h"

#include "ir/error.h"
#include "ir/graph.h"
#include "ir/value_names.h"
#include "passes/cost_profile.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>
#include <unistd.h>
#include <unordered_map>

namespace duet {

namespace {

int64_t satAdd(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_add_overflow(a, b, &r) ? INT64_MAX : r;
}

/// Bytes of one value; types too large for 64 bits count as "infinite".
int64_t bytesOf(const Node &n) {
  try {
    return n.type().nbytes();
  } catch (const Error &) {
    return INT64_MAX;
  }
}

std::string sizeText(int64_t bytes) {
  return bytes == INT64_MAX ? std::string("more than 8 EB")
                            : formatBytes(static_cast<double>(bytes));
}

/// Values that share their operand's storage instead of allocating.
bool isAlias(const Node &n) { return n.info().category == OpCategory::Conversion; }

std::string lower(std::string_view s) {
  std::string out;
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c)))
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

} // namespace

std::optional<int64_t> parseByteSize(std::string_view text) {
  std::string s = lower(text);
  size_t digits = 0;
  while (digits < s.size() && (std::isdigit(static_cast<unsigned char>(s[digits])) ||
                               s[digits] == '.' || s[digits] == 'e' || s[digits] == '+'))
    ++digits;
  if (digits == 0)
    return std::nullopt;
  std::string number = s.substr(0, digits), unit = s.substr(digits);
  char *end = nullptr;
  double value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(value) || value < 0)
    return std::nullopt;
  static const std::pair<const char *, double> kUnits[] = {{"", 1},
                                                           {"b", 1},
                                                           {"k", 1e3},
                                                           {"kb", 1e3},
                                                           {"m", 1e6},
                                                           {"mb", 1e6},
                                                           {"g", 1e9},
                                                           {"gb", 1e9},
                                                           {"t", 1e12},
                                                           {"tb", 1e12},
                                                           {"kib", 1024.0},
                                                           {"mib", 1048576.0},
                                                           {"gib", 1073741824.0},
                                                           {"tib", 1099511627776.0}};
  for (const auto &[name, scale] : kUnits) {
    if (unit == name) {
      double bytes = value * scale;
      if (bytes >= 9.2e18)
        return std::nullopt;
      return static_cast<int64_t>(bytes);
    }
  }
  return std::nullopt;
}

int64_t memoryLimitFromEnvironment() {
  if (const char *env = std::getenv("DUET_MEMORY_LIMIT"); env && *env) {
    std::string v = lower(env);
    if (v == "none" || v == "off")
      return 0;
    std::optional<int64_t> bytes = parseByteSize(env);
    if (!bytes)
      throw Error(fmt::format("DUET_MEMORY_LIMIT='{}': expected a size like 8GiB, 512MiB or "
                              "1000000 (bytes), or 'none'",
                              env));
    return *bytes;
  }
  long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || pageSize <= 0)
    return 0;
  return static_cast<int64_t>(pages) * pageSize;
}

namespace {

/// Walks the graph in order tracking live bytes; calls `visit(node, live)`
/// after each node's result is allocated (before its operands are freed).
template <typename Visit> void walkLiveBytes(const Graph &g, Visit &&visit) {
  std::unordered_map<const Node *, size_t> remainingUses;
  for (const Node *n : g.nodes())
    for (const Node *in : n->inputs())
      ++remainingUses[in];
  std::unordered_map<const Node *, bool> isOutput;
  for (const Node *n : g.outputs())
    isOutput[n] = true;

  int64_t live = 0;
  for (const Node *n : g.nodes())
    if (n->isSource())
      live = satAdd(live, bytesOf(*n));
  for (const Node *n : g.nodes()) {
    if (n->isSource())
      continue;
    if (!isAlias(*n))
      live = satAdd(live, bytesOf(*n));
    visit(*n, live);
    for (const Node *in : n->inputs())
      if (--remainingUses[in] == 0 && !in->isSource() && !isAlias(*in) && !isOutput.count(in))
        live -= bytesOf(*in) == INT64_MAX ? 0 : bytesOf(*in);
    if (remainingUses[n] == 0 && !isOutput.count(n) && !isAlias(*n))
      live -= bytesOf(*n) == INT64_MAX ? 0 : bytesOf(*n); // dead on arrival
  }
}

} // namespace

int64_t estimatePeakBytes(const Graph &g) {
  int64_t peak = 0;
  for (const Node *n : g.nodes())
    if (n->isSource())
      peak = satAdd(peak, bytesOf(*n));
  walkLiveBytes(g, [&](const Node &, int64_t live) { peak = std::max(peak, live); });
  return peak;
}

void checkMemoryBudget(const Graph &g, int64_t limitBytes) {
  if (limitBytes <= 0)
    return;
  const std::string limit =
      fmt::format("the memory limit of {} (DUET_MEMORY_LIMIT or CompileOptions::memoryLimitBytes)",
                  sizeText(limitBytes));
  // Inputs, params and constants first: they are live before any node runs.
  int64_t sources = 0;
  for (const Node *n : g.nodes()) {
    if (!n->isSource())
      continue;
    sources = satAdd(sources, bytesOf(*n));
    if (sources > limitBytes) {
      const std::vector<std::string> labels = valueLabels(g);
      throw Error(fmt::format(
          "graph '{}' needs more memory than {}: {} {} ({} {}) brings inputs, params and "
          "constants to {}",
          g.name(), limit, n->opName(), labelOf(g, labels, n), n->type().str(),
          sizeText(bytesOf(*n)), sizeText(sources)));
    }
  }
  walkLiveBytes(g, [&](const Node &n, int64_t live) {
    if (live <= limitBytes)
      return;
    const std::vector<std::string> labels = valueLabels(g);
    throw Error(fmt::format("graph '{}' needs more memory than {}: node {} ({} {}, {}) brings "
                            "live tensors to {}",
                            g.name(), limit, labelOf(g, labels, &n), n.opName(), n.type().str(),
                            sizeText(bytesOf(n)), sizeText(live)));
  });
}

} // namespace duet
