//===- fuzz/npy_fuzzer.cpp - libFuzzer target: .npy bytes -----------------===//
//
// Any input either gives a buffer whose size matches its shape or throws
// duet::Error; anything else is a bug.
//
#include "backends/npy.h"
#include "ir/error.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  duet::Buffer b;
  try {
    b = duet::parseNpy(std::span(data, size), "fuzz.npy");
  } catch (const duet::Error &) {
    return 0;
  }
  if (!b.defined() || b.numel() != duet::numel(b.shape()) ||
      b.nbytes() != static_cast<size_t>(b.numel()) * duet::dtypeSize(b.dtype())) {
    std::fprintf(stderr, "inconsistent buffer from parseNpy\n");
    std::abort();
  }
  // Touch every byte so ASan sees a short allocation.
  volatile unsigned char sink = 0;
  const auto *bytes = static_cast<const unsigned char *>(b.raw());
  for (size_t i = 0; i < b.nbytes(); ++i)
    sink = sink ^ bytes[i];
  (void)sink;
  return 0;
}
