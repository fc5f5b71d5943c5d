//===- tests/tools/cli_util.cpp - running the built `duet` program --------===//
#include "cli_util.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace duet::test {

namespace {

std::string slurp(const std::filesystem::path &p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

} // namespace

TempDir::TempDir(const std::string &tag) {
  static std::atomic<int> counter{0};
  path_ =
      std::filesystem::temp_directory_path() /
      ("duet_tools_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

CliResult runDuet(const std::string &args) {
  TempDir io("io");
  std::string cmd = "DUET_MODE= '" + std::string(DUET_BINARY_DIR) + "/bin/duet' " + args + " > '" +
                    (io / "out") + "' 2> '" + (io / "err") + "'";
  int status = std::system(cmd.c_str());
  CliResult r;
  r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(io.path() / "out");
  r.err = slurp(io.path() / "err");
  return r;
}

} // namespace duet::test
