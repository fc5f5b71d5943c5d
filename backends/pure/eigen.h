//===- backends/pure/eigen.h - Eigen, included one way ----------*- C++ -*-===//
//
// GCC 12 with -march=native on AVX-512 machines reports false
// -W(maybe-)uninitialized warnings located in its own avx512fintrin.h (the
// `_mm512_undefined_*` idiom, GCC bug 105593) wherever Eigen's packet code
// is inlined. They can only be silenced for the rest of the translation
// unit, so kernel files include Eigen through this header and nothing
// else; those two warnings stay on everywhere else in duet (and a build
// without -march=native still checks the kernels for them).
//
#pragma once

#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
// Eigen's GEMM packs its operand blocks on the stack up to this many bytes
// and mallocs them beyond it; 1 MiB (default 128 KiB) covers the products
// of typical layers, so a cached plan run allocates nothing (tests/alloc).
#ifndef EIGEN_STACK_ALLOCATION_LIMIT
#define EIGEN_STACK_ALLOCATION_LIMIT (1 << 20)
#endif
#include <Eigen/Core>
