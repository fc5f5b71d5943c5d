//===- tools/rank_processes.h - N local ranks of one job --------*- C++ -*-===//
#pragma once

#include <string>
#include <vector>

namespace duet::cli {

struct LaunchOptions {
  int ranks = 1;
  int port = 29500; // 0: a free port, found by binding port 0
  std::string masterAddr = "127.0.0.1";
  double graceSeconds = 5; // after SIGTERM, before SIGKILL
  std::vector<std::string> command;
};

/// Starts `ranks` copies of `command` with RANK, LOCAL_RANK, WORLD_SIZE,
/// LOCAL_WORLD_SIZE, MASTER_ADDR and MASTER_PORT set (and, unless already
/// set, DUET_NUM_THREADS and OMP_NUM_THREADS to cores / ranks, at least 1:
/// the ranks share the machine), forwards their stdout
/// and stderr line by line prefixed "[rank K] ", and waits for all of them.
/// When a rank exits non-zero or is killed, the others get SIGTERM (SIGKILL
/// after the grace period) and the launcher says which rank failed and how.
/// SIGINT/SIGTERM to the launcher are passed on to every rank. Returns 0 when
/// every rank succeeded, else the failed rank's exit status (128 + signal
/// when it was killed). Throws duet::Error when a rank cannot be started.
int launchRanks(const LaunchOptions &opts);

/// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0).
int freeLoopbackPort();

} // namespace duet::cli
