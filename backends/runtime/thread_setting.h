//===- backends/runtime/thread_setting.h - one thread count for both backends -*- C++ -*-===//
#pragma once

#include <string>

namespace duet {

/// Threads duet computes with: the pure interpreter's pool (which only big
/// kernels use: GEMM, conv, fused loops of >= 256K elements) and torch's
/// intra-op and OpenBLAS pools, all the same number. Default:
/// DUET_NUM_THREADS, else the number of cores (backends/pure/threads.h).
int numThreads();
/// Sets the count on both backends; throws duet::Error unless n >= 1.
void setNumThreads(int n);
/// "pure 2, torch 2 (OpenBLAS set too)" or "pure 2, torch absent": what
/// `duet run --stats` and the benchmarks record.
std::string threadSummary();

} // namespace duet
