//===- frontend/dist/process_group.h - the ranks of a job -------*- C++ -*-===//
//
// A data-parallel job is N processes (ranks), each holding a replica of the
// model. They meet PyTorch's way (env://): rank 0 serves a store at
// MASTER_ADDR:MASTER_PORT and WORLD_SIZE ranks, numbered by RANK, join it.
//
//   dist::ProcessGroup pg(dist::rendezvousFromEnvironment());
//   nn::TrainerOptions opts;
//   opts.distributed = &pg;   // gradients are averaged across the ranks
//
// Design: docs/distributed.md.
//
#pragma once

#include "backends/runtime/plan.h"
#include "backends/torch_backend.h"

#include <cstdint>
#include <memory>
#include <optional>

namespace duet::dist {

/// PyTorch's DDP default: gradients travel in buckets of at most 25 MB.
inline constexpr int64_t kDefaultBucketBytes = 25 << 20;

/// MASTER_ADDR (default 127.0.0.1), MASTER_PORT (29500), WORLD_SIZE (1),
/// RANK (0) and DUET_DIST_TIMEOUT (seconds, default 30) from the
/// environment. Throws duet::Error naming the variable for a malformed value.
RendezvousOptions rendezvousFromEnvironment();

class ProcessGroup {
public:
  /// Joins the group (blocks until every rank has; see
  /// createGlooCommunicator). A world of one needs no peers and no LibTorch.
  explicit ProcessGroup(const RendezvousOptions &opts, int64_t bucketBytes = kDefaultBucketBytes);
  /// Uses an existing communicator (tests, other transports).
  explicit ProcessGroup(std::shared_ptr<Communicator> comm,
                        int64_t bucketBytes = kDefaultBucketBytes);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup &) = delete;
  ProcessGroup &operator=(const ProcessGroup &) = delete;

  int rank() const { return rank_; }
  int worldSize() const { return worldSize_; }
  /// The group id all_reduce nodes name (their `group` attribute).
  int id() const { return id_; }
  /// Largest bucket of packed gradients per all_reduce call.
  int64_t bucketBytes() const { return bucketBytes_; }
  /// Time spent in collectives so far (zeros in a world of one).
  CollectiveStats stats() const;

  /// Overwrites every buffer of `params` with rank 0's (in name order), so
  /// that all replicas start equal whatever each rank loaded.
  void broadcastFromRoot(ParamStore &params);
  void barrier();

private:
  std::shared_ptr<Communicator> comm_; // null in a world of one
  int rank_ = 0, worldSize_ = 1, id_ = 0;
  int64_t bucketBytes_;
};

} // namespace duet::dist
