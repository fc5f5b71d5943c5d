//===- backends/torch/failure_injection.h - simulated torch faults -*- C++ -*-===//
//
// Lets tests and users exercise the runtime's fallback path: each region run
// fails with probability p, drawn from a seeded generator so a run is
// reproducible. Configured by DUET_INJECT_TORCH_FAILURE=p (seed from
// DUET_INJECT_TORCH_FAILURE_SEED, default 0) or setTorchFailureInjection().
//
#pragma once

#include <cstdint>
#include <mutex>
#include <random>

namespace duet::torchops {

class FailureInjector {
public:
  /// Reads the environment; an invalid value is reported on stderr and ignored.
  FailureInjector();
  /// Throws duet::Error unless 0 <= p <= 1.
  void configure(double p, uint64_t seed);
  double probability() const;
  /// True when this region run should fail (thread-safe).
  bool shouldFail();

private:
  mutable std::mutex mutex_;
  double p_ = 0.0;
  std::mt19937_64 rng_;
};

} // namespace duet::torchops
