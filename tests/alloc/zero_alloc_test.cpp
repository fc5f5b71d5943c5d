//===- tests/alloc/zero_alloc_test.cpp - a cached plan run allocates nothing -===//
//
// Its own executable because it replaces the global operator new and, via
// the linker's --wrap (tests/CMakeLists.txt), malloc & co. for all code
// linked statically (duet and the Eigen it inlines): every allocation made
// while `counting` is on is counted. Skipped under sanitizers, which own
// the allocator. To find an allocation that breaks it:
//   DUET_ALLOC_TRAP=1 gdb -batch -ex run -ex bt --args duet_alloc_tests
//
#include "backends/runtime/compile.h"
#include "backends/runtime/params.h"
#include "backends/runtime/plan.h"
#include "ir/graph.h"
#include "ir/parser.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <random>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define DUET_COUNTING_ALLOCATOR 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define DUET_COUNTING_ALLOCATOR 0
#endif
#endif
#ifndef DUET_COUNTING_ALLOCATOR
#define DUET_COUNTING_ALLOCATOR 1
#endif

namespace {
std::atomic<bool> counting{false};
std::atomic<long> allocations{0};
// DUET_ALLOC_TRAP=1: stop at the first counted allocation (run it in gdb).
const bool trapOnAllocation = std::getenv("DUET_ALLOC_TRAP") != nullptr;
inline void count() {
  if (counting.load(std::memory_order_relaxed)) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (trapOnAllocation) // under a debugger: the backtrace names the allocation
      __builtin_trap();
  }
}
} // namespace

// The --wrap targets exist in every build (the link flags name them);
// they only count when counting is on.
extern "C" {
void *__real_malloc(size_t);
void *__real_calloc(size_t, size_t);
void *__real_realloc(void *, size_t);
void *__real_aligned_alloc(size_t, size_t);
int __real_posix_memalign(void **, size_t, size_t);
void *__wrap_malloc(size_t n) {
  count();
  return __real_malloc(n);
}
void *__wrap_calloc(size_t n, size_t size) {
  count();
  return __real_calloc(n, size);
}
void *__wrap_realloc(void *p, size_t n) {
  count();
  return __real_realloc(p, n);
}
void *__wrap_aligned_alloc(size_t a, size_t n) {
  count();
  return __real_aligned_alloc(a, n);
}
int __wrap_posix_memalign(void **p, size_t a, size_t n) {
  count();
  return __real_posix_memalign(p, a, n);
}
}

#if DUET_COUNTING_ALLOCATOR
void *operator new(std::size_t n) {
  count();
  if (void *p = std::malloc(n ? n : 1))
    return p;
  throw std::bad_alloc();
}
void *operator new[](std::size_t n) { return operator new(n); }
void *operator new(std::size_t n, std::align_val_t a) {
  count();
  std::size_t al = static_cast<std::size_t>(a);
  if (void *p = std::aligned_alloc(al, (n + al - 1) / al * al))
    return p;
  throw std::bad_alloc();
}
void *operator new[](std::size_t n, std::align_val_t a) { return operator new(n, a); }
void *operator new(std::size_t n, const std::nothrow_t &) noexcept {
  count();
  return std::malloc(n ? n : 1);
}
void *operator new[](std::size_t n, const std::nothrow_t &) noexcept {
  count();
  return std::malloc(n ? n : 1);
}
void operator delete(void *p) noexcept { std::free(p); }
void operator delete[](void *p) noexcept { std::free(p); }
void operator delete(void *p, std::size_t) noexcept { std::free(p); }
void operator delete[](void *p, std::size_t) noexcept { std::free(p); }
void operator delete(void *p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void *p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void *p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void *p, std::size_t, std::align_val_t) noexcept { std::free(p); }
#endif

namespace duet {
namespace {

/// Allocations made by fn.
template <class F> long allocationsDuring(F &&fn) {
  allocations = 0;
  counting = true;
  fn();
  counting = false;
  return allocations.load();
}

// A macro, not a function: GTEST_SKIP only returns from the function it is in.
#define SKIP_WITHOUT_COUNTING()                                                                  \
  if (!DUET_COUNTING_ALLOCATOR)                                                                  \
  GTEST_SKIP() << "sanitizer build: the sanitizer owns the allocator"


/// Steady-state allocations of a pure plan of examples/<name>.duet run
/// through run(inputs, params, outputs).
long steadyStateAllocations(const std::string &example) {
  auto g = parseGraphFile(std::string(DUET_SOURCE_DIR) + "/examples/" + example + ".duet");
  CompileOptions opts;
  opts.mode = Mode::Pure;
  auto plan = compile(*g, opts);
  ParamStore params = initParams(*g, 1);
  std::vector<Buffer> inputs, outputs;
  std::mt19937 rng(2);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  for (const Node *in : g->inputs()) {
    inputs.push_back(Buffer::allocate(in->type()));
    for (int64_t i = 0; i < inputs.back().numel(); ++i)
      inputs.back().data<float>()[i] = u(rng);
  }
  for (const Node *o : g->outputs())
    outputs.push_back(Buffer::allocate(o->type()));
  plan->run(inputs, params, outputs); // the first run lays out the arena
  plan->run(inputs, params, outputs);
  std::vector<Buffer> first = plan->run(inputs, params); // reference values
  long n = allocationsDuring([&] {
    for (int i = 0; i < 3; ++i)
      plan->run(inputs, params, outputs);
  });
  // The allocation-free runs computed the same thing.
  for (size_t i = 0; i < outputs.size(); ++i)
    for (int64_t k = 0; k < outputs[i].numel(); ++k)
      EXPECT_EQ(outputs[i].at(k), first[i].at(k)) << example << " output " << i << " element " << k;
  return n;
}

TEST(ZeroAlloc, CounterSeesAllocations) {
  SKIP_WITHOUT_COUNTING();
  // The counter is live: a vector, a malloc and an Eigen-sized buffer count.
  EXPECT_GE(allocationsDuring([] {
              std::vector<int> v(100);
              void *p = std::malloc(10);
              std::free(p);
              Buffer b = Buffer::allocate({DType::F32, {1000}});
            }),
            3);
  // The allocating run() form allocates its fresh outputs.
  auto g = parseGraphFile(std::string(DUET_SOURCE_DIR) + "/examples/mlp.duet");
  CompileOptions opts;
  opts.mode = Mode::Pure;
  auto plan = compile(*g, opts);
  ParamStore params = initParams(*g, 1);
  std::vector<Buffer> inputs{Buffer::allocate(g->inputs()[0]->type())};
  plan->run(inputs, params);
  EXPECT_GT(allocationsDuring([&] { plan->run(inputs, params); }), 0);
}

TEST(ZeroAlloc, CachedMlpPlanRunAllocatesNothing) {
  SKIP_WITHOUT_COUNTING();
  EXPECT_EQ(steadyStateAllocations("mlp"), 0);
}

TEST(ZeroAlloc, CachedCnnPlanRunAllocatesNothing) {
  SKIP_WITHOUT_COUNTING();
  EXPECT_EQ(steadyStateAllocations("cnn"), 0);
}

} // namespace
} // namespace duet
