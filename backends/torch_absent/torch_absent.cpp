//===- backends/torch_absent/torch_absent.cpp - no LibTorch in this build -===//
#include "backends/torch_backend.h"

namespace duet {

TorchBackend *torchBackend() { return nullptr; }

std::shared_ptr<Communicator> createGlooCommunicator(const RendezvousOptions &) {
  throw Error(kNoDistributedMessage);
}

} // namespace duet
