//===- tests/pure/threads_test.cpp - the interpreter's thread pool --------===//
#include "pure_test_util.h"

#include "backends/pure/threads.h"

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>

namespace duet {
namespace {

using namespace duet::test;

/// Sets the thread count for a scope.
struct Threads {
  int before = pureThreads();
  explicit Threads(int n) { setPureThreads(n); }
  ~Threads() { setPureThreads(before); }
};

TEST(PureThreads, ParallelForCoversEveryIndexOnce) {
  Threads t(4);
  for (int64_t n : {0, 1, 7, 100, 1000, 12345}) {
    std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
    std::mutex m;
    std::set<std::thread::id> ids;
    pure::parallelFor(n, 10, [&](int64_t b, int64_t e) {
      {
        std::lock_guard<std::mutex> lk(m);
        ids.insert(std::this_thread::get_id());
      }
      for (int64_t i = b; i < e; ++i)
        hits[static_cast<size_t>(i)]++;
    });
    for (int64_t i = 0; i < n; ++i)
      ASSERT_EQ(hits[static_cast<size_t>(i)].load(), 1) << "n " << n << " index " << i;
    if (n < 20) {
      EXPECT_LE(ids.size(), 1u) << "a range below 2 x minPerThread stays on one thread";
    }
  }
}

TEST(PureThreads, NestedCallsRunSeriallyAndFinish) {
  Threads t(2);
  std::atomic<int64_t> sum{0};
  pure::parallelFor(100, 1, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i)
      pure::parallelFor(100, 1, [&](int64_t b2, int64_t e2) { sum += e2 - b2; });
  });
  EXPECT_EQ(sum.load(), 100 * 100);
}

TEST(PureThreads, SettingAndEnvironment) {
  Threads t(3);
  EXPECT_EQ(pureThreads(), 3);
  EXPECT_THROW(setPureThreads(0), Error);
  ::setenv("DUET_NUM_THREADS", "5", 1);
  EXPECT_EQ(defaultThreadCount(), 5);
  ::setenv("DUET_NUM_THREADS", "two", 1);
  try {
    defaultThreadCount();
    ADD_FAILURE() << "no error";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("DUET_NUM_THREADS must be a positive integer, got 'two'"),
              std::string::npos);
  }
  ::unsetenv("DUET_NUM_THREADS");
  EXPECT_GE(defaultThreadCount(), 1);
}

/// The same op on one thread and on three agree (GEMM panels may block
/// their sums differently, so to rounding).
void expectSameOnOneAndThreeThreads(OpKind op, const std::vector<Buffer> &in, Attributes a = {}) {
  Buffer one, three;
  {
    Threads t(1);
    one = runOp(op, in, a);
  }
  {
    Threads t(3);
    three = runOp(op, in, a);
  }
  expectClose(three, one, 1e-5);
}

TEST(PureThreads, BigKernelsAgreeAcrossThreadCounts) {
  // Tall, wide, and batched-conv shapes: row split, column split, image split.
  expectSameOnOneAndThreeThreads(OpKind::Matmul,
                                 {ramp(DType::F32, {300, 200}, 1), ramp(DType::F32, {200, 90}, 2)});
  expectSameOnOneAndThreeThreads(OpKind::Matmul,
                                 {ramp(DType::F64, {40, 300}, 3), ramp(DType::F64, {300, 500}, 4)});
  expectSameOnOneAndThreeThreads(OpKind::Linear,
                                 {ramp(DType::F32, {64, 512}, 5), ramp(DType::F32, {384, 512}, 6),
                                  ramp(DType::F32, {384}, 7)});
  expectSameOnOneAndThreeThreads(
      OpKind::Conv2d, {ramp(DType::F32, {4, 16, 32, 32}, 8), ramp(DType::F32, {32, 16, 3, 3}, 9)},
      attrs({{"padding", Ints{1, 1}}}));
  expectSameOnOneAndThreeThreads(OpKind::Conv2d, {ramp(DType::F32, {1, 32, 40, 40}, 10),
                                                  ramp(DType::F32, {64, 32, 3, 3}, 11)});
}

} // namespace
} // namespace duet
