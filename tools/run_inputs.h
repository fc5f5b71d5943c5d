//===- tools/run_inputs.h - values for a graph's inputs and params -*- C++ -*-===//
#pragma once

#include "backends/runtime/plan.h"

#include <cstdint>
#include <string>
#include <vector>

namespace duet {
class Graph;
} // namespace duet

namespace duet::cli {

/// Values bound from `--input [NAME=]FILE.npy` specs.
struct BoundInputs {
  std::vector<Buffer> inputs; // one per graph input; undefined where unbound
  ParamStore params;          // NAME= naming a parameter overrides it
};

/// NAME= binds by name (an input or a parameter); a bare FILE binds to the
/// next unbound input in declaration order. Throws duet::Error for an unknown
/// name (listing the graph's inputs), a file that cannot be read, a dtype or
/// shape different from the declaration, or more files than inputs.
BoundInputs bindInputFiles(const Graph &g, const std::vector<std::string> &specs);

/// Fills the undefined entries of `inputs` with values from `seed`: floats
/// standard normal; integers uniform in [0, n) where n is the size the input
/// indexes (embedding rows, cross_entropy classes, gather extent), else 10;
/// bools fair coins.
void fillRandomInputs(const Graph &g, std::vector<Buffer> &inputs, uint64_t seed);

/// Reads DIR/<name>.npy for every parameter (all must exist and match).
ParamStore loadParams(const Graph &g, const std::string &dir);

/// Writes each value as DIR/<name>.npy, creating DIR.
void saveValues(const std::string &dir, const ParamStore &values);

} // namespace duet::cli
