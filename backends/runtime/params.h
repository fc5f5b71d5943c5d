//===- backends/runtime/params.h - initial parameter values -----*- C++ -*-===//
#pragma once

#include "backends/runtime/plan.h"

#include <cstdint>

namespace duet {

class Graph;

/// Deterministic, PyTorch-like initial values for every parameter of `g`.
/// Each parameter's random stream is seeded from (seed, its name), so adding
/// or reordering parameters never changes the others. Rules, by rank and by
/// how the name ends (case-insensitive, after the last '.'):
///   rank >= 2: uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = product
///              of the dims after the first (Linear [N,K] -> K, Conv2d
///              [O,C,kH,kW] -> C*kH*kW);
///   rank 1/0 ending in var (var, running_var): ones (a variance must be > 0);
///   rank 1/0 ending in weight, gamma or scale (norm scales): ones;
///   other rank 1/0 (bias, beta, mean, ...): uniform(-0.1, 0.1).
/// Integer params are zeros and bool params false.
ParamStore initParams(const Graph &g, uint64_t seed);

} // namespace duet
