//===- fuzz/cost_profile_fuzzer.cpp - libFuzzer target: profile JSON ------===//
//
// Any input either loads or throws duet::Error; a profile that loads must
// save to JSON that loads back to an equal profile.
//
#include "ir/error.h"
#include "passes/cost_profile.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  duet::CostProfile p;
  try {
    p = duet::CostProfile::fromJson(text, "fuzz.json");
  } catch (const duet::Error &) {
    return 0;
  }
  const std::string saved = p.toJson();
  try {
    if (!(duet::CostProfile::fromJson(saved, "saved.json") == p)) {
      std::fprintf(stderr, "profile changed in a save/load round trip:\n%s\n", saved.c_str());
      std::abort();
    }
  } catch (const duet::Error &e) {
    std::fprintf(stderr, "saved profile does not load: %s\n%s\n", e.what(), saved.c_str());
    std::abort();
  }
  return 0;
}
