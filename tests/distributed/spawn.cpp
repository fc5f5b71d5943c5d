//===- tests/distributed/spawn.cpp - child processes for the tests --------===//
#include "spawn.h"

#include <arpa/inet.h>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <sstream>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace duet::disttest {

Child spawn(const std::vector<std::string> &argv, const std::vector<std::string> &env,
            const std::string &logPrefix) {
  Child c;
  c.out = logPrefix + ".out";
  c.err = logPrefix + ".err";
  std::vector<char *> args;
  for (const std::string &a : argv)
    args.push_back(const_cast<char *>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0)
    throw std::runtime_error("fork failed");
  if (pid == 0) {
    int o = open(c.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(c.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(o, 1);
    dup2(e, 2);
    for (const std::string &kv : env)
      putenv(const_cast<char *>(kv.c_str()));
    execv(args[0], args.data());
    _exit(127);
  }
  c.pid = pid;
  return c;
}

bool waitAll(std::vector<Child> &children, double seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  for (;;) {
    bool all = true;
    for (Child &c : children) {
      if (!c.exited && waitpid(c.pid, &c.status, WNOHANG) == c.pid)
        c.exited = true;
      all = all && c.exited;
    }
    if (all)
      return true;
    if (std::chrono::steady_clock::now() > deadline) {
      for (Child &c : children)
        if (!c.exited) {
          kill(c.pid, SIGKILL);
          waitpid(c.pid, &c.status, 0);
          c.exited = true;
        }
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string readFile(const std::string &path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string scratchDir(const std::string &name) {
  std::filesystem::path p = std::filesystem::path(DUET_BINARY_DIR) / "dist_test" / name;
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p.string();
}

int freePort() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  bind(s, reinterpret_cast<sockaddr *>(&a), sizeof a);
  getsockname(s, reinterpret_cast<sockaddr *>(&a), &len);
  close(s);
  return ntohs(a.sin_port);
}

std::vector<std::string> rankEnv(int rank, int world, int port) {
  return {"RANK=" + std::to_string(rank), "WORLD_SIZE=" + std::to_string(world),
          "MASTER_ADDR=127.0.0.1", "MASTER_PORT=" + std::to_string(port)};
}

} // namespace duet::disttest
