//===- frontend/dist/process_group.cpp - the ranks of a job ---------------===//
#include "frontend/dist/process_group.h"

#include "ir/error.h"

#include <fmt/format.h>

#include <cstdlib>
#include <string>

namespace duet::dist {

namespace {

/// An integer environment variable in [lo, hi]; `def` when unset or empty.
int64_t envInt(const char *name, int64_t def, int64_t lo, int64_t hi) {
  const char *v = std::getenv(name);
  if (!v || !*v)
    return def;
  std::string s(v);
  size_t used = 0;
  int64_t x = 0;
  try {
    x = std::stoll(s, &used);
  } catch (const std::exception &) {
    used = 0;
  }
  if (used != s.size() || used == 0 || x < lo || x > hi)
    throw Error(fmt::format("{}='{}': expected an integer in [{}, {}]", name, s, lo, hi));
  return x;
}

} // namespace

RendezvousOptions rendezvousFromEnvironment() {
  RendezvousOptions o;
  if (const char *a = std::getenv("MASTER_ADDR"); a && *a)
    o.masterAddr = a;
  o.masterPort = static_cast<int>(envInt("MASTER_PORT", o.masterPort, 1, 65535));
  o.worldSize = static_cast<int>(envInt("WORLD_SIZE", 1, 1, 1 << 20));
  o.rank = static_cast<int>(envInt("RANK", 0, 0, o.worldSize - 1));
  o.timeout = std::chrono::seconds(envInt("DUET_DIST_TIMEOUT", 30, 1, 24 * 3600));
  return o;
}

ProcessGroup::ProcessGroup(const RendezvousOptions &opts, int64_t bucketBytes)
    : rank_(opts.rank), worldSize_(opts.worldSize), bucketBytes_(bucketBytes) {
  if (bucketBytes_ < 1)
    throw Error(fmt::format("ProcessGroup: bucket size must be positive, got {}", bucketBytes_));
  if (worldSize_ == 1 && rank_ == 0)
    return; // nothing to talk to
  comm_ = createGlooCommunicator(opts);
  id_ = registerCommunicator(comm_);
}

ProcessGroup::ProcessGroup(std::shared_ptr<Communicator> comm, int64_t bucketBytes)
    : comm_(std::move(comm)), bucketBytes_(bucketBytes) {
  if (!comm_)
    throw Error("ProcessGroup: null communicator");
  if (bucketBytes_ < 1)
    throw Error(fmt::format("ProcessGroup: bucket size must be positive, got {}", bucketBytes_));
  rank_ = comm_->rank();
  worldSize_ = comm_->worldSize();
  id_ = registerCommunicator(comm_);
}

ProcessGroup::~ProcessGroup() {
  if (id_ != 0)
    unregisterCommunicator(id_);
}

CollectiveStats ProcessGroup::stats() const { return comm_ ? comm_->stats() : CollectiveStats{}; }

void ProcessGroup::broadcastFromRoot(ParamStore &params) {
  if (!comm_)
    return;
  for (auto &[name, buffer] : params) { // std::map: the same order on every rank
    Buffer copy = buffer.clone();       // never write into a buffer a program may share
    comm_->broadcast(copy, 0);
    buffer = copy;
  }
}

void ProcessGroup::barrier() {
  if (comm_)
    comm_->barrier();
}

} // namespace duet::dist
