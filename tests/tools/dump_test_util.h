//===- tests/tools/dump_test_util.h - helpers of the dump tests -*- C++ -*-===//
//
// Runs the built `duet` (DUET_BINARY_DIR/bin/duet) with an environment
// prefix, and writes the small graphs and cost profiles whose estimates the
// tests work out by hand.
//
#pragma once

#include "backends/torch_backend.h"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

/// Auto and torch modes need the torch backend: skip, visibly, without it.
#define DUET_REQUIRE_TORCH()                                                                       \
  do {                                                                                             \
    if (!::duet::torchBackend())                                                                   \
      GTEST_SKIP() << "built without LibTorch";                                                    \
  } while (0)

namespace duet::dumptest {

/// A fresh directory, removed on destruction.
class Scratch {
public:
  Scratch() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("duet_dump_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  Scratch(const Scratch &) = delete;
  Scratch &operator=(const Scratch &) = delete;
  std::string file(const std::string &name) const { return (path_ / name).string(); }
  std::string write(const std::string &name, const std::string &text) const {
    std::ofstream(file(name), std::ios::binary) << text;
    return file(name);
  }

private:
  std::filesystem::path path_;
};

inline std::string slurp(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Result {
  int code = -1;
  std::string out, err;
};

/// `env` is a shell prefix such as "DUET_PROFILE=/p.json"; DUET_MODE is
/// cleared and DUET_PROFILE points nowhere unless `env` sets them, so a
/// profile in the user's config directory cannot change the numbers.
inline Result duet(const std::string &args, const std::string &env = "") {
  Scratch io;
  std::string cmd = "DUET_MODE= DUET_PROFILE= XDG_CONFIG_HOME='" + io.file("config") + "' " + env +
                    " '" + DUET_BINARY_DIR + "/bin/duet' " + args + " > '" + io.file("out") +
                    "' 2> '" + io.file("err") + "'";
  int status = std::system(cmd.c_str());
  Result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(io.file("out"));
  r.err = slurp(io.file("err"));
  return r;
}

inline std::string example(const std::string &name) {
  return std::string(DUET_SOURCE_DIR) + "/examples/" + name;
}

inline std::vector<std::string> lines(const std::string &text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string l; std::getline(ss, l);)
    out.push_back(l);
  return out;
}

inline size_t count(const std::string &text, const std::string &what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size()))
    ++n;
  return n;
}

/// A cost profile with flat per-call costs (no per-flop or per-byte terms),
/// so every estimate of the example MLP can be worked out by hand:
///  matmul: pure `matmulPure`, torch `matmulTorch`; add, relu: pure 1us,
///  torch 1s (never worth moving); conversions 1us each; region launch 1us.
inline std::string flatProfile(double matmulPure, double matmulTorch) {
  auto op = [](double pure, double torch) {
    auto cost = [](double s) {
      std::ostringstream o;
      o << "{\"overhead_s\": " << s << ", \"s_per_flop\": 0, \"s_per_byte\": 0}";
      return o.str();
    };
    return "{\"pure\": " + cost(pure) + ", \"torch\": " + cost(torch) + "}";
  };
  return "{\"format\": \"duet-cost-profile\", \"version\": 1,\n"
         " \"conversion\": {\"per_value_s\": 1e-6, \"per_byte_s\": 0, \"region_launch_s\": 1e-6},\n"
         " \"ops\": {\"matmul\": " +
         op(matmulPure, matmulTorch) + ", \"add\": " + op(1e-6, 1.0) +
         ", \"relu\": " + op(1e-6, 1.0) + "}}\n";
}

} // namespace duet::dumptest
