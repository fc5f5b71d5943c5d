//===- passes/inspect/dump_render.cpp - DOT -> SVG/PNG through Graphviz ------------===//
#include "passes/inspect/dump_model.h"

#include "ir/error.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace duet::inspect {

namespace {

/// `dot` on PATH, or empty. Looked up here so a missing Graphviz gets our
/// message rather than a spawn errno.
std::string findDot() {
  const char *path = std::getenv("PATH");
  std::string_view rest = path ? path : "";
  while (true) {
    size_t colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    std::string candidate = (dir.empty() ? "." : dir) + "/dot";
    if (!dir.empty() && access(candidate.c_str(), X_OK) == 0)
      return candidate;
    if (colon == std::string_view::npos)
      return "";
    rest.remove_prefix(colon + 1);
  }
}

/// Removes the temporary DOT file however rendering ends.
struct TempFile {
  std::string path;
  ~TempFile() {
    if (!path.empty())
      std::remove(path.c_str());
  }
};

} // namespace

void renderDot(const std::string &dot, const std::string &format, const std::string &outPath) {
  std::string exe = findDot();
  if (exe.empty())
    throw Error(fmt::format("--format {} needs Graphviz's `dot` program, which is not on PATH; "
                            "install Graphviz (e.g. apt-get install graphviz) or use --format "
                            "dot and render the file elsewhere",
                            format));
  const char *tmpdir = std::getenv("TMPDIR");
  std::string pattern = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/duet-dump-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  int fd = mkstemp(name.data());
  if (fd < 0)
    throw Error(fmt::format("cannot create a temporary file for dot ({}): {}", pattern,
                            std::strerror(errno)));
  close(fd);
  TempFile tmp{name.data()};
  {
    std::ofstream out(tmp.path, std::ios::binary);
    out << dot;
    if (!out.flush())
      throw Error("cannot write temporary file " + tmp.path);
  }

  std::vector<std::string> args = {"dot", "-T" + format, tmp.path};
  if (!outPath.empty()) {
    args.push_back("-o");
    args.push_back(outPath);
  }
  std::vector<char *> argv;
  for (std::string &a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  std::cout.flush(); // dot writes to the same stdout
  pid_t pid = 0;
  if (int err = posix_spawn(&pid, exe.c_str(), nullptr, nullptr, argv.data(), environ))
    throw Error(fmt::format("cannot run {}: {}", exe, std::strerror(err)));
  int status = 0;
  if (waitpid(pid, &status, 0) < 0)
    throw Error(fmt::format("waiting for {}: {}", exe, std::strerror(errno)));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw Error(fmt::format("{} -T{} failed ({}); its messages are above", exe, format,
                            WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                              : "killed by a signal"));
}

std::string renderDotToString(const std::string &dot, const std::string &format) {
  const char *tmpdir = std::getenv("TMPDIR");
  std::string pattern = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/duet-render-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  int fd = mkstemp(name.data());
  if (fd < 0)
    throw Error(fmt::format("cannot create a temporary file for dot ({}): {}", pattern,
                            std::strerror(errno)));
  close(fd);
  TempFile out{name.data()};
  renderDot(dot, format, out.path);
  std::ifstream in(out.path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace duet::inspect
