//===- tools/tune_command.h - `duet tune` -----------------------*- C++ -*-===//
#pragma once

#include <string>
#include <vector>

namespace duet {
class CostProfile;
}

namespace duet::cli {

struct TuneCliOptions {
  std::string output;                   // -o; empty: defaultProfilePath()
  std::string ops;                      // --ops add,matmul; empty: every op
  bool quick = false;                   // --quick
  int threads = 0;                      // --threads; 0: as they are
  std::string show;                     // --show PROFILE
  std::vector<std::string> diff;        // --diff A B
  std::string examplesDir = "examples"; // graphs --diff re-partitions
  int maxPoints = 0;                    // hidden: sweep points per op (tests)
  double pointMs = 0;                   // hidden: measuring time per point
  bool noProgress = false;              // --no-progress
  std::string samples;                  // --samples FILE.csv: every measured point
};

int tuneCommand(const TuneCliOptions &opts);

/// `duet tune --show`: per op, the crossover and the fit error.
std::string profileShowReport(const CostProfile &p, const std::string &name);
/// `duet tune --diff`: what changed between two profiles and which graphs
/// of `examplesDir` (*.duet) would be partitioned differently.
std::string profileDiffReport(const CostProfile &a, const std::string &nameA, const CostProfile &b,
                              const std::string &nameB, const std::string &examplesDir);

} // namespace duet::cli
