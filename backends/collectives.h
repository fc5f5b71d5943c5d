//===- backends/collectives.h - collectives across ranks --------*- C++ -*-===//
//
// What the all_reduce op needs from a data-parallel job: a Communicator
// (one process's end of a process group) that sums or averages a CPU buffer
// in place over every rank. The Gloo implementation is made by
// createGlooCommunicator (backends/torch_backend.h); tests may register
// their own. Graphs name a communicator by group id (all_reduce's `group`
// attribute), looked up here when the node runs. Design: docs/distributed.md.
//
#pragma once

#include "backends/buffer.h"

#include <cstdint>
#include <memory>
#include <string>

namespace duet {

enum class ReduceOp { Sum, Mean };

/// Time and volume spent in collectives, for the communication share of a
/// training step.
struct CollectiveStats {
  int64_t calls = 0;
  int64_t bytes = 0;
  double seconds = 0; // wall time inside the collectives
};

class Communicator {
public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int worldSize() const = 0;
  /// Reduces `data` (a contiguous f32/f64 buffer) element-wise over all
  /// ranks, in place. Every rank must call it with buffers of the same type
  /// in the same order. Throws duet::Error naming the rank and the cause when
  /// a peer is gone or the group's timeout passes.
  virtual void allReduce(Buffer &data, ReduceOp op) = 0;
  /// Copies rank `root`'s `data` into every other rank's `data`, in place.
  virtual void broadcast(Buffer &data, int root) = 0;
  /// Returns when every rank has called it (or throws, as allReduce).
  virtual void barrier() = 0;

  CollectiveStats &stats() { return stats_; }
  const CollectiveStats &stats() const { return stats_; }

private:
  CollectiveStats stats_;
};

/// Makes `comm` findable by the group id it returns (ids start at 1 and are
/// never reused in a process). The registry keeps it alive until
/// unregisterCommunicator.
int registerCommunicator(std::shared_ptr<Communicator> comm);
void unregisterCommunicator(int group);
/// The communicator of `group`; throws duet::Error when none is registered.
std::shared_ptr<Communicator> communicatorOf(int group);

} // namespace duet
