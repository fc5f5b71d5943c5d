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
#include <Eigen/Core>
