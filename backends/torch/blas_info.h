//===- backends/torch/blas_info.h - which BLAS torch calls ------*- C++ -*-===//
//
// Torch-free helpers (no LibTorch headers): they inspect the process's
// loaded libraries, so they work for whatever libblas.so.3 the system's
// alternatives point at.
//
#pragma once

#include <string>

namespace duet::torchops {

/// Describes the BLAS that resolves `sgemm_` in this process, e.g.
/// "openblas-pthread (/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3)" or
/// "reference BLAS (/usr/lib/x86_64-linux-gnu/blas/libblas.so.3) — slow; install
/// libopenblas0-openmp".
std::string describeBlas();

/// Sets OpenBLAS's thread count when the BLAS in use is OpenBLAS (its pool
/// ignores at::set_num_threads; OPENBLAS_NUM_THREADS sets it at start-up).
/// Returns false when the BLAS has no such control.
bool setBlasThreads(int n);

} // namespace duet::torchops
