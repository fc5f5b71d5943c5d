//===- backends/pure/parallel_gemm.h - Eigen GEMM over the pool -*- C++ -*-===//
//
// Internal to the pure interpreter. Eigen runs a product on one thread
// (its own threading needs OpenMP); a big product is split into row or
// column panels, one Eigen GEMM per thread (backends/pure/threads.h).
//
#pragma once

#include "backends/pure/eigen.h"
#include "backends/pure/threads.h"

#include <cstdint>

namespace duet::pure {

/// Multiply-adds from which a product splits over threads: about a
/// 200^3 GEMM (~0.1 ms on one AVX-512 core), so waking a worker is noise
/// and n >= 256 always splits. At 2^22 mlp_infer_b32's 32x784x256 layer
/// (6.4M) split and the model ran 13% slower on 2 threads (duet_bench).
inline constexpr int64_t kParallelMacs = int64_t(1) << 23;

/// c = a * b (c must not alias a or b). Splits the longer of c's rows and
/// columns across threads when the product is big enough.
template <class C, class A, class B> void threadedProduct(C &&c, const A &a, const B &b) {
  const int64_t m = c.rows(), n = c.cols(), k = a.cols();
  if (m * n * k < kParallelMacs || pureThreads() == 1) {
    c.noalias() = a * b;
    return;
  }
  if (m >= n)
    parallelFor(m, 16, [&](int64_t r0, int64_t r1) {
      c.middleRows(r0, r1 - r0).noalias() = a.middleRows(r0, r1 - r0) * b;
    });
  else
    parallelFor(n, 16, [&](int64_t c0, int64_t c1) {
      c.middleCols(c0, c1 - c0).noalias() = a * b.middleCols(c0, c1 - c0);
    });
}

} // namespace duet::pure
