//===- tests/tools/cli_util.h - running the built `duet` program -*- C++ -*-===//
#pragma once

#include <filesystem>
#include <string>

namespace duet::test {

struct CliResult {
  int exitCode = -1;
  std::string out, err;
};

/// Runs `duet ARGS` (the binary of this build) through the shell.
CliResult runDuet(const std::string &args);

/// A fresh, empty directory under the system temp dir, removed on destruction.
class TempDir {
public:
  explicit TempDir(const std::string &tag);
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  const std::filesystem::path &path() const { return path_; }
  std::string operator/(const std::string &name) const { return (path_ / name).string(); }

private:
  std::filesystem::path path_;
};

/// An example graph file of the source tree.
inline std::string example(const std::string &name) {
  return std::string(DUET_SOURCE_DIR) + "/examples/" + name;
}

} // namespace duet::test
