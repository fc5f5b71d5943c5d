//===- fuzz/checkpoint_fuzzer.cpp - libFuzzer target: safetensors bytes ---===//
//
// Any input either parses into tensors whose sizes match their shapes, and
// then survives an encode/parse round trip unchanged, or throws duet::Error;
// anything else (crash, leak, sanitizer report, abort below) is a bug.
//
#include "frontend/nn/checkpoint.h"
#include "ir/error.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

[[noreturn]] void die(const char *what) {
  std::fprintf(stderr, "checkpoint fuzzer: %s\n", what);
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  duet::ParamStore params;
  try {
    params = duet::nn::parseSafetensors(std::span(data, size), "fuzz.safetensors");
  } catch (const duet::Error &) {
    return 0;
  }
  for (const auto &[name, b] : params)
    if (!b.defined() || b.numel() != duet::numel(b.shape()) ||
        b.nbytes() != static_cast<size_t>(b.numel()) * duet::dtypeSize(b.dtype()))
      die("inconsistent buffer from parseSafetensors");
  // What we read, we must write back and read again identically.
  duet::ParamStore again;
  try {
    again = duet::nn::parseSafetensors(duet::nn::encodeSafetensors(params), "roundtrip");
  } catch (const duet::Error &e) {
    std::fprintf(stderr, "%s\n", e.what());
    die("re-parsing our own encoding failed");
  }
  if (again.size() != params.size())
    die("round trip changed the tensor count");
  for (const auto &[name, b] : params) {
    auto it = again.find(name);
    if (it == again.end() || it->second.dtype() != b.dtype() || it->second.shape() != b.shape() ||
        (b.nbytes() && std::memcmp(it->second.raw(), b.raw(), b.nbytes()) != 0))
      die("round trip changed a tensor");
  }
  return 0;
}
