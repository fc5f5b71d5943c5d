//===- tools/threshold_flag.h - the --threshold OP=N flag -------*- C++ -*-===//
//
// `duet run` and `duet dump` both take repeatable `--threshold OP=N` flags
// (auto mode: run OP on torch once its output has N elements); one parser
// so both reject the same bad specs with the same message.
//
#pragma once

#include <map>
#include <string>
#include <vector>

namespace duet::cli {

/// {"matmul=1e6", ...} -> {matmul: 1e6}. Throws duet::Error naming the spec
/// when OP is not an op or N is not a non-negative number.
std::map<std::string, double> parseThresholds(const std::vector<std::string> &specs);

} // namespace duet::cli
