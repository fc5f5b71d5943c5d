//===- tools/rank_processes.cpp - N local ranks of one job ----------------===//
//
// fork/exec per rank, one pipe per rank and stream, a poll loop that
// forwards whole lines with the rank's prefix and reaps the children. A
// failed rank stops the job: the others would otherwise wait for it until
// their process group's timeout.
//
#include "tools/rank_processes.h"

#include "ir/error.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

namespace duet::cli {

namespace {

using Clock = std::chrono::steady_clock;

volatile std::sig_atomic_t gStopSignal = 0;
extern "C" void onStopSignal(int sig) { gStopSignal = sig; }

struct Rank {
  pid_t pid = -1;
  bool running = false;
  int status = 0;
  int fd[2] = {-1, -1};  // its stdout and stderr, read ends
  std::string partial[2]; // text after the last newline, per stream
};

void writeAll(int fd, const std::string &s) {
  const char *p = s.data();
  size_t left = s.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

/// Forwards the complete lines of `chunk` (and, at EOF, the rest).
void forward(Rank &r, int rank, int stream, const char *chunk, size_t n, bool eof) {
  std::string &buf = r.partial[stream];
  buf.append(chunk, n);
  std::string out;
  size_t start = 0;
  for (size_t nl; (nl = buf.find('\n', start)) != std::string::npos; start = nl + 1)
    out += fmt::format("[rank {}] {}\n", rank, std::string_view(buf).substr(start, nl - start));
  buf.erase(0, start);
  if (eof && !buf.empty()) {
    out += fmt::format("[rank {}] {}\n", rank, buf);
    buf.clear();
  }
  writeAll(stream == 0 ? STDOUT_FILENO : STDERR_FILENO, out);
}

std::string describeStatus(int status) {
  if (WIFEXITED(status))
    return fmt::format("exited with status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return fmt::format("was killed by signal {} ({})", WTERMSIG(status),
                       strsignal(WTERMSIG(status)));
  return "stopped";
}

bool failed(int status) { return !(WIFEXITED(status) && WEXITSTATUS(status) == 0); }

int exitCodeOf(int status) {
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
}

/// Starts one rank; its stdout/stderr become pipes read by the launcher. The
/// child gets its own process group, so stopping it also stops what it spawned.
void start(Rank &r, int rank, const LaunchOptions &o) {
  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
    throw Error(fmt::format("duet launch: pipe: {}", std::strerror(errno)));
  std::vector<std::string> env = {
      fmt::format("RANK={}", rank),          fmt::format("LOCAL_RANK={}", rank),
      fmt::format("WORLD_SIZE={}", o.ranks), fmt::format("LOCAL_WORLD_SIZE={}", o.ranks),
      "MASTER_ADDR=" + o.masterAddr,         fmt::format("MASTER_PORT={}", o.port)};
  // N ranks share this machine's cores: unless told otherwise, each gets its
  // share for duet's and torch's thread pools (torchrun sets OMP_NUM_THREADS=1).
  int share = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / o.ranks);
  for (const char *var : {"DUET_NUM_THREADS", "OMP_NUM_THREADS"})
    if (const char *v = std::getenv(var); !v || !*v)
      env.push_back(fmt::format("{}={}", var, share));
  std::vector<char *> argv;
  for (const std::string &a : o.command)
    argv.push_back(const_cast<char *>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0)
    throw Error(fmt::format("duet launch: fork: {}", std::strerror(errno)));
  if (pid == 0) {
    ::setpgid(0, 0);
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err[1], STDERR_FILENO);
    for (const std::string &kv : env)
      ::putenv(const_cast<char *>(kv.c_str()));
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::execvp(argv[0], argv.data());
    std::string msg = fmt::format("duet launch: cannot run '{}': {}\n", o.command[0],
                                  std::strerror(errno));
    writeAll(STDERR_FILENO, msg);
    ::_exit(127);
  }
  ::setpgid(pid, pid); // also here: no race with the first kill
  ::close(out[1]);
  ::close(err[1]);
  r.pid = pid;
  r.running = true;
  r.fd[0] = out[0];
  r.fd[1] = err[0];
}

void signalRunning(std::vector<Rank> &ranks, int sig) {
  for (Rank &r : ranks)
    if (r.running)
      ::kill(-r.pid, sig);
}

} // namespace

int freeLoopbackPort() {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0)
    throw Error(fmt::format("duet launch: socket: {}", std::strerror(errno)));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (::bind(s, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 ||
      ::getsockname(s, reinterpret_cast<sockaddr *>(&a), &len) != 0) {
    ::close(s);
    throw Error(fmt::format("duet launch: cannot find a free port: {}", std::strerror(errno)));
  }
  ::close(s);
  return ntohs(a.sin_port);
}

int launchRanks(const LaunchOptions &given) {
  LaunchOptions o = given;
  if (o.command.empty())
    throw Error("duet launch: no command to run (put it after '--')");
  if (o.ranks < 1)
    throw Error(fmt::format("duet launch: -n must be at least 1, got {}", o.ranks));
  if (o.port == 0)
    o.port = freeLoopbackPort();

  struct sigaction sa {};
  sa.sa_handler = onStopSignal;
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);

  std::vector<Rank> ranks(static_cast<size_t>(o.ranks));
  for (int k = 0; k < o.ranks; ++k) {
    try {
      start(ranks[k], k, o);
    } catch (...) {
      signalRunning(ranks, SIGKILL);
      throw;
    }
  }

  int failedRank = -1;
  bool stopping = false;
  Clock::time_point killAt{};
  auto stopOthers = [&](int sig) {
    signalRunning(ranks, sig);
    if (!stopping)
      killAt = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(o.graceSeconds * 1e3));
    stopping = true;
  };

  for (;;) {
    // Output first, so a rank's last words come before the verdict.
    std::vector<pollfd> fds;
    std::vector<std::pair<size_t, int>> who;
    for (size_t k = 0; k < ranks.size(); ++k)
      for (int s = 0; s < 2; ++s)
        if (ranks[k].fd[s] >= 0) {
          fds.push_back({ranks[k].fd[s], POLLIN, 0});
          who.emplace_back(k, s);
        }
    bool anyRunning = false;
    for (const Rank &r : ranks)
      anyRunning = anyRunning || r.running;
    if (fds.empty() && !anyRunning)
      break;
    if (!fds.empty()) {
      int n = ::poll(fds.data(), fds.size(), 100);
      for (size_t i = 0; n > 0 && i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
          continue;
        auto [k, s] = who[i];
        char chunk[4096];
        ssize_t got = ::read(fds[i].fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR)
          continue;
        bool eof = got <= 0;
        forward(ranks[k], static_cast<int>(k), s, chunk, eof ? 0 : size_t(got), eof);
        if (eof) {
          ::close(ranks[k].fd[s]);
          ranks[k].fd[s] = -1;
        }
      }
    } else {
      ::usleep(50 * 1000);
    }

    for (size_t k = 0; k < ranks.size(); ++k) {
      Rank &r = ranks[k];
      if (!r.running || ::waitpid(r.pid, &r.status, WNOHANG) != r.pid)
        continue;
      r.running = false;
      if (failed(r.status) && failedRank < 0 && !stopping) {
        failedRank = static_cast<int>(k);
        writeAll(STDERR_FILENO, fmt::format("duet launch: rank {} {}; stopping the other ranks\n",
                                            k, describeStatus(r.status)));
        stopOthers(SIGTERM);
      }
    }
    if (gStopSignal != 0 && !stopping) {
      writeAll(STDERR_FILENO, fmt::format("duet launch: got signal {}; stopping every rank\n",
                                          static_cast<int>(gStopSignal)));
      stopOthers(static_cast<int>(gStopSignal));
    }
    if (stopping && Clock::now() >= killAt)
      signalRunning(ranks, SIGKILL);
  }

  if (failedRank >= 0) {
    const Rank &r = ranks[static_cast<size_t>(failedRank)];
    writeAll(STDERR_FILENO,
             fmt::format("duet launch: failed: rank {} of {} {} (command: {})\n", failedRank,
                         o.ranks, describeStatus(r.status), fmt::join(o.command, " ")));
    return exitCodeOf(r.status) == 0 ? 1 : exitCodeOf(r.status);
  }
  if (gStopSignal != 0)
    return 128 + static_cast<int>(gStopSignal);
  for (const Rank &r : ranks) // after a stop signal a rank may still have failed
    if (failed(r.status))
      return exitCodeOf(r.status);
  return 0;
}

} // namespace duet::cli
