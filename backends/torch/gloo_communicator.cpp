//===- backends/torch/gloo_communicator.cpp - c10d's Gloo process group ---===//
//
// The Communicator of a data-parallel job, made of LibTorch's own pieces:
// rank 0 serves a c10d::TCPStore at MASTER_ADDR:MASTER_PORT, every rank
// meets there and builds a c10d::ProcessGroupGloo whose timeout bounds every
// collective. Buffers are wrapped with at::from_blob, so a collective reads
// and writes duet's CPU buffers in place.
//
#include "backends/torch_backend.h"

#include "ir/error.h"

#if !__has_include(<gloo/algorithm.h>)
// LibTorch's c10d headers include Gloo's, which Debian ships apart (libgloo-dev).
namespace duet {
std::shared_ptr<Communicator> createGlooCommunicator(const RendezvousOptions &) {
  throw Error("distributed training needs LibTorch (c10d/Gloo), and this build lacks Gloo's "
              "headers (install libgloo-dev and rebuild)");
}
} // namespace duet
#else
#define USE_C10D_GLOO 1 // ProcessGroupGloo.hpp declares nothing without it

#include <ATen/ops/from_blob.h>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <fmt/format.h>

#include <cstdlib>

namespace duet {
namespace {

bool isLoopback(const std::string &addr) {
  return addr == "localhost" || addr.rfind("127.", 0) == 0 || addr == "::1";
}

/// Gloo's transport device. GLOO_SOCKET_IFNAME picks an interface, as in
/// PyTorch; a loopback master means a one-machine job, so bind loopback;
/// otherwise the address this machine's hostname resolves to.
std::shared_ptr<::gloo::transport::Device> glooDevice(const RendezvousOptions &o) {
  if (const char *ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname)
    return ::c10d::ProcessGroupGloo::createDeviceForInterface(ifname);
  if (isLoopback(o.masterAddr))
    return ::c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  return ::c10d::ProcessGroupGloo::createDefaultDevice();
}

class GlooCommunicator final : public Communicator {
public:
  explicit GlooCommunicator(const RendezvousOptions &o) : opts_(o) {
    ::c10d::TCPStoreOptions so;
    so.port = static_cast<uint16_t>(o.masterPort);
    so.isServer = o.rank == 0;
    so.numWorkers = static_cast<size_t>(o.worldSize);
    so.waitWorkers = true;
    so.timeout = o.timeout;
    try {
      store_ = c10::make_intrusive<::c10d::TCPStore>(o.masterAddr, so);
      auto pgOpts = ::c10d::ProcessGroupGloo::Options::create(o.timeout);
      pgOpts->devices.push_back(glooDevice(o));
      group_ = c10::make_intrusive<::c10d::ProcessGroupGloo>(store_, o.rank, o.worldSize, pgOpts);
    } catch (const std::exception &e) {
      throw Error(fmt::format("rendezvous of rank {} of {} at {}:{} failed (timeout {} ms): {}",
                              o.rank, o.worldSize, o.masterAddr, o.masterPort, o.timeout.count(),
                              firstLine(e.what())));
    }
  }

  int rank() const override { return opts_.rank; }
  int worldSize() const override { return opts_.worldSize; }

  void allReduce(Buffer &data, ReduceOp op) override {
    std::vector<at::Tensor> ts{tensorOf(data)};
    wait(group_->allreduce(ts), "all_reduce");
    if (op == ReduceOp::Mean)
      ts[0].div_(opts_.worldSize);
  }

  void broadcast(Buffer &data, int root) override {
    std::vector<at::Tensor> ts{tensorOf(data)};
    ::c10d::BroadcastOptions bo;
    bo.rootRank = root;
    wait(group_->broadcast(ts, bo), "broadcast");
  }

  void barrier() override { wait(group_->barrier(), "barrier"); }

private:
  static std::string firstLine(std::string m) {
    // c10::Error's what() carries a C++ backtrace after the message.
    if (size_t eol = m.find("\nException raised from"); eol != std::string::npos)
      m.resize(eol);
    return m;
  }

  static at::Tensor tensorOf(Buffer &b) {
    at::ScalarType t = at::kFloat;
    switch (b.dtype()) {
    case DType::F32: t = at::kFloat; break;
    case DType::F64: t = at::kDouble; break;
    case DType::I64: t = at::kLong; break;
    case DType::Bool: t = at::kBool; break;
    }
    return at::from_blob(b.raw(), {b.numel()}, at::TensorOptions().dtype(t));
  }

  void wait(const c10::intrusive_ptr<::c10d::Work> &work, const char *what) {
    try {
      work->wait();
    } catch (const std::exception &e) {
      throw Error(fmt::format("{} on rank {} of {} failed: {} (another rank exited or stopped "
                              "responding; the process group's timeout is {} ms)",
                              what, opts_.rank, opts_.worldSize, firstLine(e.what()),
                              opts_.timeout.count()));
    }
  }

  RendezvousOptions opts_;
  c10::intrusive_ptr<::c10d::Store> store_;
  c10::intrusive_ptr<::c10d::ProcessGroupGloo> group_;
};

} // namespace

std::shared_ptr<Communicator> createGlooCommunicator(const RendezvousOptions &o) {
  if (o.worldSize < 1)
    throw Error(fmt::format("process group: world size must be >= 1, got {}", o.worldSize));
  if (o.rank < 0 || o.rank >= o.worldSize)
    throw Error(fmt::format("process group: rank {} is outside [0, {})", o.rank, o.worldSize));
  if (o.masterPort < 1 || o.masterPort > 65535)
    throw Error(fmt::format("process group: master port must be in 1..65535, got {}",
                            o.masterPort));
  if (o.timeout.count() <= 0)
    throw Error("process group: the timeout must be positive");
  return std::make_shared<GlooCommunicator>(o);
}

} // namespace duet

#endif // __has_include(<gloo/algorithm.h>)
