//===- tests/distributed/spawn.h - child processes for the tests -*- C++ -*-===//
#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

namespace duet::disttest {

/// A started program whose stdout/stderr go to files.
struct Child {
  pid_t pid = -1;
  std::string out, err; // paths
  int status = 0;
  bool exited = false;
};

/// fork/exec `argv` with `env` added to this process's environment.
Child spawn(const std::vector<std::string> &argv, const std::vector<std::string> &env,
            const std::string &logPrefix);

/// Waits until every child has exited or `seconds` have passed; returns
/// false on the deadline (the stragglers are then SIGKILLed: a hang guard,
/// so that a broken build fails instead of blocking CTest).
bool waitAll(std::vector<Child> &children, double seconds);

std::string readFile(const std::string &path);
/// A directory of its own for one test under the build tree (emptied).
std::string scratchDir(const std::string &name);
int freePort();

/// "127.0.0.1:PORT"-style env for rank `rank` of `world`.
std::vector<std::string> rankEnv(int rank, int world, int port);

} // namespace duet::disttest
