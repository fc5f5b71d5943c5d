//===- passes/inspect/dump_model.cpp - shared helpers of the dump views ------------===//
#include "passes/inspect/dump_model.h"

#include "passes/cost_profile.h"

#include <fmt/format.h>

#include <cmath>

namespace duet::inspect {

double DumpData::pureSeconds(const Node &n) const {
  return profile->estimateNode(n, Backend::Pure);
}

double DumpData::torchSeconds(const Node &n) const {
  return profile->estimateNode(n, Backend::Torch);
}

double DumpData::chosenSeconds(const Node &n) const {
  return n.backend() == Backend::Torch ? torchSeconds(n) : pureSeconds(n);
}

std::string DumpData::settings() const {
  std::string s = fmt::format("mode {}, profile {}", modeName(mode), profileName);
  if (!thresholds.empty())
    s += ", thresholds " + formatThresholds(thresholds);
  return s;
}

bool isConversionNode(const Node &n) { return n.info().category == OpCategory::Conversion; }

bool isElementwiseNode(const Node &n) {
  switch (n.info().category) {
  case OpCategory::Unary:
  case OpCategory::Binary:
  case OpCategory::Compare:
  case OpCategory::Ternary: return true;
  default: return false;
  }
}

std::string placement(const Node &n) {
  std::string s(backendName(n.backend()));
  if (n.backend() == Backend::Torch && n.region() >= 0) {
    s += ':';
    s += std::to_string(n.region());
  }
  return s;
}

std::string formatThresholds(const std::map<std::string, double> &t) {
  std::string out;
  for (const auto &[op, v] : t) {
    if (!out.empty())
      out += ", ";
    if (v == std::floor(v) && std::fabs(v) < 1e15)
      out += fmt::format("{}={}", op, static_cast<int64_t>(v));
    else
      out += fmt::format("{}={}", op, v);
  }
  return out;
}

} // namespace duet::inspect
