//===- backends/torch/failure_injection.cpp - simulated torch faults -----===//
#include "backends/torch/failure_injection.h"

#include "ir/error.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace duet::torchops {
namespace {

/// Parses a whole string as a number; false on junk or trailing text.
bool parseNumber(const char *text, double &out) {
  try {
    size_t used = 0;
    std::string s(text);
    out = std::stod(s, &used);
    return used == s.size();
  } catch (const std::exception &) {
    return false;
  }
}

} // namespace

FailureInjector::FailureInjector() {
  const char *p = std::getenv("DUET_INJECT_TORCH_FAILURE");
  if (!p || !*p)
    return;
  double prob = 0;
  if (!parseNumber(p, prob) || !(prob >= 0.0 && prob <= 1.0)) {
    // Configuration, not a run-time fault: warn once instead of failing every region.
    std::fprintf(stderr,
                 "duet: ignoring DUET_INJECT_TORCH_FAILURE='%s' (expected a probability in "
                 "[0,1])\n",
                 p);
    return;
  }
  uint64_t seed = 0;
  if (const char *s = std::getenv("DUET_INJECT_TORCH_FAILURE_SEED"))
    seed = std::strtoull(s, nullptr, 10);
  p_ = prob;
  rng_.seed(seed);
}

void FailureInjector::configure(double p, uint64_t seed) {
  if (!(p >= 0.0 && p <= 1.0))
    throw Error(fmt::format("torch failure injection: probability must be in [0,1], got {}", p));
  std::lock_guard lock(mutex_);
  p_ = p;
  rng_.seed(seed);
}

double FailureInjector::probability() const {
  std::lock_guard lock(mutex_);
  return p_;
}

bool FailureInjector::shouldFail() {
  std::lock_guard lock(mutex_);
  if (p_ <= 0.0)
    return false;
  // 53 random bits -> [0,1): p = 1 always fails, p = 0 never does.
  double u = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
  return u < p_;
}

} // namespace duet::torchops
