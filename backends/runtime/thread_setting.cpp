//===- backends/runtime/thread_setting.cpp - one thread count for both backends ===//
#include "backends/runtime/thread_setting.h"

#include "backends/pure/threads.h"
#include "backends/torch_backend.h"

#include <fmt/format.h>

namespace duet {

int numThreads() { return pureThreads(); }

void setNumThreads(int n) {
  setPureThreads(n); // validates n
  if (TorchBackend *torch = torchBackend())
    torch->setNumThreads(n); // intra-op pool and OpenBLAS's
}

std::string threadSummary() {
  TorchBackend *torch = torchBackend();
  return torch ? fmt::format("pure {}, torch {} (BLAS: {})", pureThreads(), torch->numThreads(),
                             torch->blasName())
               : fmt::format("pure {}, torch absent", pureThreads());
}

} // namespace duet
