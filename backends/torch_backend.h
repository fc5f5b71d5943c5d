//===- backends/torch_backend.h - the torch backend, seen from outside -*- C++ -*-===//
//
// The only view of LibTorch the rest of duet has. The implementation lives
// in backends/torch/ (the only place torch headers are included); a build
// without LibTorch links backends/torch_absent.cpp instead, whose
// torchBackend() returns nullptr.
//
#pragma once

#include "backends/buffer.h"
#include "backends/collectives.h"
#include "ir/error.h"

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace duet {

class Graph;
class Node;

/// Plain SGD training in LibTorch eager (forward with the ATen calls the
/// region runner uses, torch's own autograd backward, p -= lr * grad): the
/// reference duet's training steps are measured and checked against.
class ReferenceSgdTrainer {
public:
  virtual ~ReferenceSgdTrainer() = default;
  /// One step on one batch; `inputs` are the loss graph's inputs in graph
  /// order. Returns the loss before the update.
  virtual double step(std::span<const Buffer> inputs) = 0;
  /// The current parameters, in graph order (copies).
  virtual std::vector<Buffer> params() const = 0;
};

/// Data crossing between the pure and torch worlds during one region run.
struct ConversionStats {
  int64_t conversions = 0;   // values converted (either direction)
  int64_t zeroCopyBytes = 0; // bytes shared without a copy (from_blob / wrap)
  int64_t copiedBytes = 0;   // bytes that had to be copied (non-contiguous result...)
};

/// A connected set of torch-assigned nodes executed in one call.
struct TorchRegion {
  /// Nodes to run, in topological order. to_torch / from_torch nodes may be
  /// among them (they are identities on values).
  std::vector<const Node *> nodes;
  /// Values defined outside the region that its nodes read, in the order of
  /// the `inputs` buffers passed to runRegion.
  std::vector<const Node *> inputs;
  /// Region nodes whose values are needed outside, in the order of the
  /// returned buffers.
  std::vector<const Node *> outputs;
};

class TorchBackend {
public:
  virtual ~TorchBackend() = default;
  /// Whether torch can run this node; if not and `whyNot` is given, says why.
  virtual bool supports(const Node &node, std::string *whyNot = nullptr) const = 0;
  /// Runs a region. Input buffers are wrapped with torch::from_blob (no
  /// copy); results come back as Buffers sharing the tensors' storage when
  /// contiguous. Throws duet::Error (with the node and torch's message) if
  /// torch fails; the caller decides about fallback.
  virtual std::vector<Buffer> runRegion(const TorchRegion &region,
                                        std::span<const Buffer> inputs,
                                        ConversionStats &stats) = 0;
  /// "LibTorch 1.13.1"
  virtual std::string version() const = 0;
  /// Which BLAS torch's GEMM calls, e.g. "openblas-pthread (libopenblas.so.0)"
  /// or "reference BLAS (slow: install libopenblas0-openmp)".
  virtual std::string blasName() const = 0;
  virtual int numThreads() const = 0;
  virtual void setNumThreads(int n) = 0;
  /// Makes each runRegion call fail with probability p (deterministic for a
  /// seed) to exercise fallback paths; p = 0 turns it off. Also set by the
  /// environment: DUET_INJECT_TORCH_FAILURE=p, DUET_INJECT_TORCH_FAILURE_SEED.
  /// Throws duet::Error unless 0 <= p <= 1.
  virtual void setFailureInjection(double /*p*/, uint64_t /*seed*/) {}

  /// d(output 0 of g)/d(w) for each w in `wrt`, by LibTorch's own autograd
  /// (eager ATen forward on tensors that require grad, then backward): the
  /// independent reference for duet's autodiff pass. `values` are g's inputs
  /// then its params, in graph order; output 0 must be a float value of one
  /// element; each w a float node of g (a w the loss does not reach gets
  /// zeros). Only the nodes output 0 depends on run. Throws duet::Error.
  virtual std::vector<Buffer> referenceGradients(const Graph & /*g*/,
                                                 std::span<const Buffer> /*values*/,
                                                 const std::vector<const Node *> & /*wrt*/) {
    throw Error("referenceGradients: not available in this torch backend");
  }
  /// A LibTorch eager SGD trainer for the loss graph `g` (output 0, a float
  /// scalar) over all of g's params, starting from `initialParams` (graph
  /// order) with learning rate `lr`. Throws duet::Error.
  virtual std::unique_ptr<ReferenceSgdTrainer>
  referenceSgdTrainer(const Graph & /*g*/, std::span<const Buffer> /*initialParams*/,
                      double /*lr*/) {
    throw Error("referenceSgdTrainer: not available in this torch backend");
  }
  /// The same with torch.optim.Adam's update (single-tensor form, no weight
  /// decay): what an eager LibTorch training loop with Adam does per step.
  virtual std::unique_ptr<ReferenceSgdTrainer>
  referenceAdamTrainer(const Graph & /*g*/, std::span<const Buffer> /*initialParams*/,
                       double /*lr*/, double /*beta1*/ = 0.9, double /*beta2*/ = 0.999,
                       double /*eps*/ = 1e-8) {
    throw Error("referenceAdamTrainer: not available in this torch backend");
  }
};

/// The torch backend of this build, or nullptr when duet was built without
/// LibTorch.
TorchBackend *torchBackend();
/// setFailureInjection on this build's torch backend; no-op without one.
inline void setTorchFailureInjection(double p, uint64_t seed = 0) {
  if (TorchBackend *b = torchBackend())
    b->setFailureInjection(p, seed);
}
/// Where and how the ranks of a data-parallel job meet: PyTorch's env://
/// conventions (MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK).
struct RendezvousOptions {
  std::string masterAddr = "127.0.0.1";
  int masterPort = 29500;
  int worldSize = 1;
  int rank = 0;
  /// How long the rendezvous or one collective may wait for a peer.
  std::chrono::milliseconds timeout{30000};
};

/// This process's end of a Gloo process group (c10d::ProcessGroupGloo over a
/// c10d::TCPStore served by rank 0). Blocks until every rank has joined.
/// Throws duet::Error on a bad option, a failed or timed-out rendezvous, and
/// in a build without LibTorch (kNoDistributedMessage).
std::shared_ptr<Communicator> createGlooCommunicator(const RendezvousOptions &opts);
inline constexpr const char *kNoDistributedMessage =
    "distributed training needs LibTorch (c10d/Gloo); this build of duet has no torch backend "
    "(install libtorch-dev and reconfigure)";

/// Message used whenever torch is requested but absent.
inline constexpr const char *kNoTorchMessage =
    "this build of duet has no torch backend (LibTorch was not found when it was "
    "configured; install libtorch-dev and reconfigure, or use --mode pure)";

} // namespace duet
