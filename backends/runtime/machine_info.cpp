//===- backends/runtime/machine_info.cpp - what a profile was measured on -===//
#include "backends/runtime/machine_info.h"

#include "backends/pure/threads.h"
#include "backends/torch_backend.h"
#include "passes/cost_profile.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

namespace duet {

namespace {

std::string cpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        size_t start = line.find_first_not_of(" \t", colon + 1);
        return start == std::string::npos ? "" : line.substr(start);
      }
    }
  return "unknown";
}

std::string envOr(const char *name, const char *fallback) {
  const char *v = std::getenv(name);
  return v && *v ? v : fallback;
}

std::string isa() {
  std::string s;
  [[maybe_unused]] auto add = [&](const char *f) { // unused without -march flags
    if (!s.empty())
      s += ' ';
    s += f; // not `"" + std::string`: GCC 12's -Wrestrict false positive
  };
#ifdef __SSE4_2__
  add("sse4.2");
#endif
#ifdef __AVX__
  add("avx");
#endif
#ifdef __AVX2__
  add("avx2");
#endif
#ifdef __FMA__
  add("fma");
#endif
#ifdef __AVX512F__
  add("avx512f");
#endif
#ifdef __ARM_NEON
  add("neon");
#endif
  return s.empty() ? "baseline" : s;
}

} // namespace

std::map<std::string, std::string> currentMachine() {
  std::map<std::string, std::string> m;
  m["cpu"] = cpuModel();
  m["cores"] = std::to_string(std::thread::hardware_concurrency());
  if (TorchBackend *t = torchBackend()) {
    m["torch"] = t->version();
    m["blas"] = t->blasName();
    m["torch_threads"] = std::to_string(t->numThreads());
  } else {
    m["torch"] = "absent";
  }
  m["openblas_threads"] = envOr("OPENBLAS_NUM_THREADS", "unset");
  m["omp_threads"] = envOr("OMP_NUM_THREADS", "unset");
  // The Eigen interpreter's pool (only big kernels use it: threads.h).
  m["pure_threads"] = std::to_string(pureThreads());
  m["isa"] = isa();
#if defined(__clang__)
  m["compiler"] = fmt::format("clang {}", __clang_version__);
#elif defined(__GNUC__)
  m["compiler"] = fmt::format("GCC {}", __VERSION__);
#else
  m["compiler"] = "unknown";
#endif
#ifdef __OPTIMIZE__
  m["build"] = "optimized";
#else
  m["build"] = "unoptimized";
#endif
  m["duet"] = DUET_VERSION; // project(VERSION) in CMakeLists.txt
  return m;
}

const std::vector<std::string> &timingKeys() {
  static const std::vector<std::string> keys = {
      "cpu",         "cores",        "torch", "blas", "torch_threads", "openblas_threads",
      "omp_threads", "pure_threads", "isa",   "build"};
  return keys;
}

std::vector<std::string> staleReasons(const CostProfile &profile,
                                      const std::map<std::string, std::string> &now) {
  std::vector<std::string> out;
  if (!profile.machine.count("tuned"))
    return out;
  for (const std::string &key : timingKeys()) {
    auto was = profile.machine.find(key);
    auto is = now.find(key);
    if (was == profile.machine.end() || is == now.end() || was->second == is->second)
      continue;
    out.push_back(fmt::format("{}: profile {}, now {}", key, was->second, is->second));
  }
  return out;
}

std::vector<std::string> staleReasons(const CostProfile &profile) {
  return staleReasons(profile, currentMachine());
}

std::string staleWarning(const CostProfile &profile, const std::string &path) {
  std::vector<std::string> why = staleReasons(profile);
  if (why.empty())
    return "";
  return fmt::format("duet: warning: cost profile '{}' is stale: it was measured under other "
                     "settings ({}); its estimates may be off: rerun `duet tune`\n",
                     path, fmt::join(why, "; "));
}

std::shared_ptr<const CostProfile> loadProfileChecked(const std::string &path) {
  auto profile = std::make_shared<const CostProfile>(CostProfile::load(path));
  static std::mutex mutex;
  static std::set<std::string> warned;
  std::string warning = staleWarning(*profile, path);
  std::lock_guard<std::mutex> lock(mutex);
  if (!warning.empty() && warned.insert(path).second)
    std::cerr << warning;
  return profile;
}

} // namespace duet
