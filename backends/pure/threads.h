//===- backends/pure/threads.h - the interpreter's worker threads -*- C++ -*-===//
//
// Large kernels (GEMM, big fused/elementwise loops) split their work over
// worker threads (OpenMP's, shared with LibTorch, in a build with it; else a
// small persistent pool); small ones run on the calling thread, so the pool
// costs them nothing. The count comes from DUET_NUM_THREADS (default: the
// number of cores) or setPureThreads(); runtime/thread_setting.h applies
// the same count to torch.
//
#pragma once

#include <cstdint>

namespace duet {

/// Threads the interpreter may use (>= 1).
int pureThreads();
/// Sets it; throws duet::Error unless n >= 1.
void setPureThreads(int n);
/// DUET_NUM_THREADS if set (a positive integer; else a duet::Error naming
/// it), otherwise the number of cores.
int defaultThreadCount();

namespace pure {

using RangeFn = void (*)(void *ctx, int64_t begin, int64_t end);
void parallelForImpl(int64_t n, int64_t minPerThread, RangeFn fn, void *ctx);

/// Calls body(begin, end) over disjoint ranges covering [0, n), on up to
/// pureThreads() threads, each range at least `minPerThread` long: with
/// n < 2 * minPerThread it is one call on this thread. Returns when every
/// range is done. Nested calls (from inside a body) run serially.
template <class Body> void parallelFor(int64_t n, int64_t minPerThread, Body &&body) {
  parallelForImpl(
      n, minPerThread, [](void *ctx, int64_t b, int64_t e) { (*static_cast<Body *>(ctx))(b, e); },
      static_cast<void *>(&body));
}

} // namespace pure
} // namespace duet
