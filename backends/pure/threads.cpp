//===- backends/pure/threads.cpp - a tiny persistent thread pool ----------===//
//
// Built with LibTorch (DUET_PURE_OPENMP), parallel loops are OpenMP regions:
// libgomp's team is the pool LibTorch's intra-op threads already are, so
// the two backends share one set of workers. With a pool each, the idle
// workers of one spin on the cores the other wants after every switch
// between a torch region and a pure kernel (auto mode on 2 threads ran the
// transformer block 1.3x slower than pure alone).
//
// Otherwise, our own pool. One job at a time: the caller publishes (fn,
// ctx, parts), wakes the workers, takes parts itself, and waits until every
// part is done and every worker has left the job. A second caller arriving
// meanwhile, or a call from inside a job, runs serially rather than waiting.
//
#include "backends/pure/threads.h"

#include "ir/error.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#if DUET_PURE_OPENMP
#include <omp.h>
#endif

namespace duet {

namespace {

std::atomic<int> gThreads{0}; // 0: not read from the environment yet
thread_local bool tInJob = false;

#if !DUET_PURE_OPENMP
class Pool {
public:
  ~Pool() {
    {
      std::lock_guard<std::mutex> lk(m_);
      stop_ = true;
    }
    wake_.notify_all();
    for (std::thread &t : workers_)
      t.join();
  }

  /// False if another caller holds the pool (the caller then runs serially).
  bool run(int threads, int64_t n, int64_t parts, pure::RangeFn fn, void *ctx) {
    std::unique_lock<std::mutex> caller(callerMutex_, std::try_to_lock);
    if (!caller.owns_lock())
      return false;
    {
      std::lock_guard<std::mutex> lk(m_);
      while (static_cast<int>(workers_.size()) < threads - 1) {
        const int index = static_cast<int>(workers_.size());
        workers_.emplace_back([this, index] { workerLoop(index); });
      }
      fn_ = fn;
      ctx_ = ctx;
      n_ = n;
      parts_ = parts;
      helpers_ = threads - 1;
      next_.store(0);
      finished_ = 0;
      ++generation_;
    }
    wake_.notify_all();
    work();
    std::unique_lock<std::mutex> lk(m_);
    done_.wait(lk, [&] { return finished_ == parts_ && busy_ == 0; });
    return true;
  }

private:
  void work() {
    const bool outer = tInJob;
    tInJob = true;
    for (int64_t i; (i = next_.fetch_add(1)) < parts_;) {
      fn_(ctx_, n_ * i / parts_, n_ * (i + 1) / parts_);
      std::lock_guard<std::mutex> lk(m_);
      if (++finished_ == parts_)
        done_.notify_all();
    }
    tInJob = outer;
  }

  void workerLoop(int index) {
    uint64_t seen = 0;
    std::unique_lock<std::mutex> lk(m_);
    while (true) {
      wake_.wait(lk, [&] { return stop_ || generation_ != seen; });
      if (stop_)
        return;
      seen = generation_;
      if (index >= helpers_)
        continue; // fewer threads wanted than exist
      ++busy_;
      lk.unlock();
      work();
      lk.lock();
      if (--busy_ == 0)
        done_.notify_all();
    }
  }

  std::mutex callerMutex_, m_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  pure::RangeFn fn_ = nullptr;
  void *ctx_ = nullptr;
  int64_t n_ = 0, parts_ = 0;
  std::atomic<int64_t> next_{0};
  int64_t finished_ = 0;
  int helpers_ = 0, busy_ = 0;
  uint64_t generation_ = 0;
  bool stop_ = false;
};

Pool &pool() {
  static Pool p;
  return p;
}
#endif

} // namespace

int defaultThreadCount() {
  if (const char *env = std::getenv("DUET_NUM_THREADS"); env && *env) {
    std::string_view s(env);
    int n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || end != s.data() + s.size() || n < 1)
      throw Error("DUET_NUM_THREADS must be a positive integer, got '" + std::string(s) + "'");
    return n;
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

int pureThreads() {
  int n = gThreads.load(std::memory_order_relaxed);
  if (n == 0) {
    n = defaultThreadCount();
    gThreads.store(n, std::memory_order_relaxed);
  }
  return n;
}

void setPureThreads(int n) {
  if (n < 1)
    throw Error("thread count must be at least 1, got " + std::to_string(n));
  gThreads.store(n, std::memory_order_relaxed);
}

namespace pure {

void parallelForImpl(int64_t n, int64_t minPerThread, RangeFn fn, void *ctx) {
  if (n <= 0)
    return;
  const int threads = tInJob ? 1 : pureThreads();
  const int64_t parts =
      std::min<int64_t>(threads, std::max<int64_t>(1, n / std::max<int64_t>(minPerThread, 1)));
#if DUET_PURE_OPENMP
  if (parts <= 1 || omp_in_parallel()) { // inside someone's region: serially
    fn(ctx, 0, n);
    return;
  }
#pragma omp parallel num_threads(static_cast<int>(parts))
  {
    // The team may be smaller than asked for: split by its real size.
    const int64_t i = omp_get_thread_num(), count = omp_get_num_threads();
    const bool outer = tInJob;
    tInJob = true;
    fn(ctx, n * i / count, n * (i + 1) / count);
    tInJob = outer;
  }
#else
  if (parts <= 1 || !pool().run(static_cast<int>(parts), n, parts, fn, ctx))
    fn(ctx, 0, n);
#endif
}

} // namespace pure
} // namespace duet
