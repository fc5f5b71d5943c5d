//===- tools/dump_command.h - `duet dump FILE.duet` -------------*- C++ -*-===//
#pragma once

#include <string>
#include <vector>

namespace duet::cli {

struct DumpOptions {
  std::string file;
  std::string mode;                          // empty: DUET_MODE / default
  std::string profile;                       // cost profile JSON; empty: DUET_PROFILE / default
  std::vector<std::string> thresholds;       // OP=N
  std::string after;                         // stop after this pass
  bool printAfterAll = false;                // text dump after every pass
  std::string format;                        // text | dot | json | svg | png; "": from -o
  std::string output;                        // file; empty: stdout
  bool explain = false;                      // why each node went where
  bool diff = false;                         // what-if: default vs --threshold/--profile
  bool collapse = false, noCollapse = false; // DOT: elementwise chains
  double minRegionUs = -1;            // auto: evict regions saving less (-1: default)
  double minRegionSaving = -1;        // auto: evict regions saving under this fraction
  bool noFuse = false;                // skip fuse-elementwise
};

/// Runs the command; throws duet::Error on user errors. Returns the exit code.
int dumpGraphFile(const DumpOptions &opts);


} // namespace duet::cli
