//===- tools/run_command.h - `duet run FILE.duet` ---------------*- C++ -*-===//
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace duet::cli {

struct RunOptions {
  std::string file;
  std::vector<std::string> inputs;     // [NAME=]FILE.npy
  uint64_t seed = 0;                   // random inputs and initial params
  std::string outDir;                  // write outputs as .npy here
  std::string mode;                    // empty: DUET_MODE / default
  bool strict = false;                 // torch failures are errors
  bool stats = false;                  // print RunStats::format()
  std::vector<std::string> thresholds; // OP=N
  std::string paramsDir;               // load params from DIR/<name>.npy
  std::string saveParamsDir;           // write the params used
  std::string printAfter;              // dump the graph after a pass
  int warmup = 0;                      // untimed runs after the first
  int repeat = 1;                      // timed runs after the warm-up
  std::string trace;                   // write a Chrome trace of the last run
  std::string profile;                 // cost profile JSON; empty: DUET_PROFILE / default
  double minRegionUs = -1;            // auto: evict regions saving less (-1: default)
  double minRegionSaving = -1;        // auto: evict regions saving under this fraction
  bool noFuse = false;                // skip fuse-elementwise
  int threads = 0;                    // >0: setNumThreads (pure and torch); 0: default
};

/// Runs the command; throws duet::Error on user errors. Returns the exit code.
int runGraphFile(const RunOptions &opts);

} // namespace duet::cli
