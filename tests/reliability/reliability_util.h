//===- tests/reliability/reliability_util.h - shared test helpers -*- C++ -*-===//
#pragma once

#include "backends/buffer.h"
#include "ir/error.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace duet::reliability {

/// A fresh temporary directory, removed when the object dies.
class TempDir {
public:
  TempDir() {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("duet_reliability_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  std::string file(const std::string &name) const { return (path_ / name).string(); }
  const std::filesystem::path &path() const { return path_; }

private:
  std::filesystem::path path_;
};

inline void writeFile(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

inline std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// What a run of the built `duet` program did.
struct CliResult {
  int exitCode = -1;
  std::string out, err;
};

/// Runs `ENV duet ARGS` through the shell in `dir` (ENV: "VAR=value ..." or
/// empty), capturing stdout and stderr separately.
inline CliResult runDuet(const std::string &args, const std::string &env = "",
                         const std::string &dir = ".") {
  TempDir tmp;
  const std::string out = tmp.file("out"), err = tmp.file("err");
  const std::string cmd = "cd '" + dir + "' && " + env + (env.empty() ? "" : " ") +
                          DUET_BINARY_DIR "/bin/duet " + args + " >'" + out + "' 2>'" + err + "'";
  int status = std::system(cmd.c_str());
  CliResult r;
  r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = readFile(out);
  r.err = readFile(err);
  return r;
}

/// The message of the duet::Error `fn` throws ("" and a test failure if it
/// throws nothing or something else).
template <typename Fn> std::string errorOf(Fn &&fn) {
  try {
    fn();
  } catch (const Error &e) {
    return e.what();
  } catch (const std::exception &e) {
    ADD_FAILURE() << "not a duet::Error: " << e.what();
    return "";
  }
  ADD_FAILURE() << "no error thrown";
  return "";
}

/// A buffer of `type` with uniform(-1, 1) values (integers: 0..3).
inline Buffer randomBuffer(const TensorType &type, std::mt19937 &rng) {
  Buffer b = Buffer::allocate(type);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (int64_t i = 0; i < b.numel(); ++i) {
    switch (type.dtype) {
    case DType::F32: b.data<float>()[i] = static_cast<float>(u(rng)); break;
    case DType::F64: b.data<double>()[i] = u(rng); break;
    case DType::I64: b.data<int64_t>()[i] = static_cast<int64_t>(rng() % 4); break;
    case DType::Bool: b.data<bool>()[i] = rng() % 2 == 0; break;
    }
  }
  return b;
}

/// Largest |a - b| / (1 + |b|) over the elements; +inf on a type mismatch.
inline double maxRelDiff(const Buffer &a, const Buffer &b) {
  if (a.type() != b.type())
    return INFINITY;
  double worst = 0;
  for (int64_t i = 0; i < a.numel(); ++i)
    worst = std::max(worst, std::abs(a.at(i) - b.at(i)) / (1.0 + std::abs(b.at(i))));
  return worst;
}

} // namespace duet::reliability
