//===- tests/torch/backend_test.cpp - the torch backend's own contract ---===//
//
// Zero-copy accounting, aliasing and lifetime of results, error reporting,
// fault injection, and the BLAS/version/thread reports. Values are checked
// against hand-computed numbers.
//
#include "backends/torch/blas_info.h"
#include "backends/torch/failure_injection.h"
#include "backends/torch_backend.h"
#include "ir/error.h"
#include "ir/graph.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace duet {
namespace {

TorchBackend &backend() {
  TorchBackend *b = torchBackend();
  if (!b)
    throw std::runtime_error("built without LibTorch");
  return *b;
}

/// runRegion with the input buffers given as a list.
std::vector<Buffer> run(const TorchRegion &region, std::vector<Buffer> inputs,
                        ConversionStats &stats) {
  return backend().runRegion(region, inputs, stats);
}

Buffer iota(DType t, Shape s, double start = 0) {
  Buffer b = Buffer::allocate(t, s);
  for (int64_t i = 0; i < b.numel(); ++i) {
    if (t == DType::F32)
      b.data<float>()[i] = static_cast<float>(start + static_cast<double>(i));
    else if (t == DType::F64)
      b.data<double>()[i] = start + static_cast<double>(i);
    else
      b.data<int64_t>()[i] = static_cast<int64_t>(start) + i;
  }
  return b;
}

Attributes ints(const char *name, std::vector<int64_t> v) {
  Attributes a;
  a.set(name, std::move(v));
  return a;
}

TEST(TorchBackend, SingleNodeCountsInputsAndOutputAsZeroCopy) {
  Graph g;
  Node *x = g.addInput("x", {DType::F32, {4, 5}});
  Node *y = g.addInput("y", {DType::F32, {4, 5}});
  Node *sum = g.addChecked(OpKind::Add, {x, y});
  Buffer bx = iota(DType::F32, {4, 5}), by = iota(DType::F32, {4, 5}, 100);
  ConversionStats st;
  std::vector<Buffer> out = run({{sum}, {x, y}, {sum}}, {bx, by}, st);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type(), (TensorType{DType::F32, {4, 5}}));
  for (int64_t i = 0; i < 20; ++i)
    EXPECT_EQ(out[0].data<float>()[i], static_cast<float>(2 * i + 100));
  EXPECT_EQ(st.conversions, 3);
  EXPECT_EQ(st.zeroCopyBytes, 3 * 20 * 4);
  EXPECT_EQ(st.copiedBytes, 0);
  EXPECT_NE(out[0].raw(), bx.raw());
  EXPECT_NE(out[0].raw(), by.raw());
}

TEST(TorchBackend, ChainConvertsOnlyAtTheBoundary) {
  // relu(exp(x) - y): three nodes, two inputs, one output.
  Graph g;
  Node *x = g.addInput("x", {DType::F64, {3, 2}});
  Node *y = g.addInput("y", {DType::F64, {2}});
  Node *e = g.addChecked(OpKind::Exp, {x});
  Node *d = g.addChecked(OpKind::Sub, {e, y});
  Node *r = g.addChecked(OpKind::Relu, {d});
  Buffer bx = iota(DType::F64, {3, 2}, -2), by = Buffer::fromVector<double>({2}, {0.5, 3.0});
  ConversionStats st;
  std::vector<Buffer> out = run({{e, d, r}, {x, y}, {r}}, {bx, by}, st);
  EXPECT_EQ(st.conversions, 3);
  EXPECT_EQ(st.zeroCopyBytes, (6 + 2 + 6) * 8);
  EXPECT_EQ(st.copiedBytes, 0);
  for (int64_t i = 0; i < 6; ++i) {
    double want = std::max(0.0, std::exp(static_cast<double>(i - 2)) - (i % 2 ? 3.0 : 0.5));
    EXPECT_NEAR(out[0].data<double>()[i], want, 1e-12) << "element " << i;
  }
}

TEST(TorchBackend, NonContiguousResultIsCopiedOnce) {
  Graph g;
  Node *x = g.addInput("x", {DType::F32, {2, 3}});
  Attributes a;
  a.set("dim0", int64_t{0});
  a.set("dim1", int64_t{1});
  Node *t = g.addChecked(OpKind::Transpose, {x}, a);
  Buffer bx = iota(DType::F32, {2, 3});
  ConversionStats st;
  std::vector<Buffer> out = run({{t}, {x}, {t}}, {bx}, st);
  EXPECT_EQ(out[0].shape(), (Shape{3, 2}));
  std::vector<double> want = {0, 3, 1, 4, 2, 5};
  EXPECT_EQ(out[0].toDoubles(), want);
  EXPECT_EQ(st.copiedBytes, 24);
  EXPECT_EQ(st.zeroCopyBytes, 24); // the input
}

TEST(TorchBackend, OutputAliasingAnInputIsThatBuffer) {
  Graph g;
  Node *x = g.addInput("x", {DType::I64, {2, 3}});
  Node *same = g.addChecked(OpKind::ToTorch, {x});
  Node *flat = g.addChecked(OpKind::Reshape, {x}, ints("shape", {6}));
  Buffer bx = iota(DType::I64, {2, 3}, 7);
  ConversionStats st;
  std::vector<Buffer> out = run({{same, flat}, {x}, {same, flat, x}}, {bx}, st);
  ASSERT_EQ(out.size(), 3u);
  for (const Buffer &b : out) {
    EXPECT_EQ(b.raw(), bx.raw()); // no copy, no new allocation
    EXPECT_EQ(b.toDoubles(), bx.toDoubles());
  }
  EXPECT_EQ(out[1].shape(), (Shape{6}));
  EXPECT_EQ(st.copiedBytes, 0);
}

TEST(TorchBackend, ViewOfAnInputOutlivesTheCallersBuffer) {
  Graph g;
  Node *x = g.addInput("x", {DType::F64, {4, 3}});
  Attributes a;
  a.set("start", int64_t{1});
  Node *s = g.addChecked(OpKind::Slice, {x}, a); // rows 1..3: contiguous, offset
  Buffer out;
  {
    Buffer bx = iota(DType::F64, {4, 3});
    ConversionStats st;
    out = run({{s}, {x}, {s}}, {bx}, st)[0];
    EXPECT_EQ(out.raw(), static_cast<double *>(bx.raw()) + 3); // shared, not copied
    EXPECT_EQ(st.copiedBytes, 0);
  } // the caller drops its buffer; the result keeps the data alive
  std::vector<double> want = {3, 4, 5, 6, 7, 8, 9, 10, 11};
  EXPECT_EQ(out.toDoubles(), want);
}

TEST(TorchBackend, SmallViewOfALargeIntermediateIsCompacted) {
  // Sharing row 0 of exp(x) would keep all 100 rows alive: copy the 1 row.
  Graph g;
  Node *x = g.addInput("x", {DType::F32, {100, 10}});
  Node *e = g.addChecked(OpKind::Exp, {x});
  Attributes a;
  a.set("end", int64_t{1});
  Node *row = g.addChecked(OpKind::Slice, {e}, a);
  ConversionStats st;
  Buffer out = run({{e, row}, {x}, {row}}, {Buffer::allocate(DType::F32, {100, 10})}, st)[0];
  EXPECT_EQ(out.shape(), (Shape{1, 10}));
  EXPECT_EQ(out.toDoubles(), std::vector<double>(10, 1.0));
  EXPECT_EQ(st.copiedBytes, 40);
  EXPECT_EQ(st.zeroCopyBytes, 4000); // the input
}

TEST(TorchBackend, IntermediateAndFinalOutputs) {
  Graph g;
  Node *x = g.addInput("x", {DType::F32, {3}});
  Node *n = g.addChecked(OpKind::Neg, {x});
  Node *m = g.addChecked(OpKind::Mul, {n, x});
  Buffer bx = Buffer::fromVector<float>({3}, {1, -2, 3});
  ConversionStats st;
  std::vector<Buffer> out = run({{n, m}, {x}, {m, n}}, {bx}, st);
  EXPECT_EQ(out[0].toDoubles(), (std::vector<double>{-1, -4, -9}));
  EXPECT_EQ(out[1].toDoubles(), (std::vector<double>{-1, 2, -3}));
  EXPECT_EQ(st.conversions, 3);
}

TEST(TorchBackend, TorchErrorNamesTheNode) {
  Graph g;
  Node *idx = g.addInput("idx", {DType::I64, {2}});
  Node *w = g.addInput("w", {DType::F32, {3, 2}});
  Node *e = g.addChecked(OpKind::Embedding, {idx, w}, {}, "lookup");
  Buffer bi = Buffer::fromVector<int64_t>({2}, {1, 5}); // 5 is out of range
  ConversionStats st;
  try {
    run({{e}, {idx, w}, {e}}, {bi, iota(DType::F32, {3, 2})}, st);
    FAIL() << "expected duet::Error";
  } catch (const Error &err) {
    std::string m = err.what();
    EXPECT_NE(m.find("torch failed on %lookup (embedding)"), std::string::npos) << m;
    EXPECT_NE(m.find("index out of range"), std::string::npos) << m;
  }
}

TEST(TorchBackend, IntegerDivisionByZeroIsAnError) {
  Graph g;
  Node *x = g.addInput("x", {DType::I64, {2}});
  Node *y = g.addInput("y", {DType::I64, {2}});
  Node *d = g.addChecked(OpKind::Div, {x, y});
  ConversionStats st;
  Buffer bx = Buffer::fromVector<int64_t>({2}, {-7, 7}),
         by = Buffer::fromVector<int64_t>({2}, {2, 0});
  EXPECT_THROW(run({{d}, {x, y}, {d}}, {bx, by}, st), Error);
  // ...and truncates toward zero otherwise.
  by = Buffer::fromVector<int64_t>({2}, {2, -2});
  EXPECT_EQ(run({{d}, {x, y}, {d}}, {bx, by}, st)[0].toDoubles(), (std::vector<double>{-3, -3}));
}

TEST(TorchBackend, MismatchedInputBufferIsRejected) {
  Graph g;
  Node *x = g.addInput("x", {DType::F32, {2}});
  Node *r = g.addChecked(OpKind::Relu, {x});
  ConversionStats st;
  Buffer wrongShape = iota(DType::F32, {3});
  EXPECT_THROW(run({{r}, {x}, {r}}, {wrongShape}, st), Error);
  Buffer wrongType = iota(DType::F64, {2});
  EXPECT_THROW(run({{r}, {x}, {r}}, {wrongType}, st), Error);
  EXPECT_THROW(run({{r}, {x}, {r}}, {}, st), Error);
}

TEST(TorchBackend, InjectedFailures) {
  Graph g;
  Node *x = g.addInput("x", {DType::F32, {2}});
  Node *r = g.addChecked(OpKind::Relu, {x});
  Buffer bx = iota(DType::F32, {2});
  TorchRegion region{{r}, {x}, {r}};
  auto fails = [&] {
    ConversionStats st;
    try {
      run(region, {bx}, st);
      return false;
    } catch (const Error &e) {
      EXPECT_NE(std::string(e.what()).find("injected torch failure in region"), std::string::npos);
      return true;
    }
  };
  setTorchFailureInjection(1.0, 1);
  EXPECT_TRUE(fails());
  EXPECT_TRUE(fails());
  // A seed gives a reproducible sequence, about half failing at p = 0.5.
  auto sequence = [&](uint64_t seed) {
    setTorchFailureInjection(0.5, seed);
    std::vector<bool> s;
    for (int i = 0; i < 200; ++i)
      s.push_back(fails());
    return s;
  };
  std::vector<bool> a = sequence(42), b = sequence(42);
  EXPECT_EQ(a, b);
  auto count = std::count(a.begin(), a.end(), true);
  EXPECT_GT(count, 60);
  EXPECT_LT(count, 140);
  setTorchFailureInjection(0.0, 0);
  EXPECT_FALSE(fails());
  EXPECT_THROW(setTorchFailureInjection(1.5, 0), Error);
}

TEST(TorchBackend, FailureInjectionFromEnvironment) {
  ::setenv("DUET_INJECT_TORCH_FAILURE", "1", 1);
  EXPECT_TRUE(torchops::FailureInjector().shouldFail());
  ::setenv("DUET_INJECT_TORCH_FAILURE", "0", 1);
  EXPECT_FALSE(torchops::FailureInjector().shouldFail());
  ::setenv("DUET_INJECT_TORCH_FAILURE", "lots", 1); // ignored, with a warning
  EXPECT_EQ(torchops::FailureInjector().probability(), 0.0);
  ::unsetenv("DUET_INJECT_TORCH_FAILURE");
}

TEST(TorchBackend, Reports) {
  std::string blas = backend().blasName();
  std::printf("[   INFO   ] %s, BLAS: %s\n", backend().version().c_str(), blas.c_str());
  std::string lower = blas;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  EXPECT_NE(lower.find("blas"), std::string::npos) << blas;
  if (lower.find("openblas") != std::string::npos) { // its own thread pool is steerable
    EXPECT_TRUE(torchops::setBlasThreads(backend().numThreads()));
  }
  EXPECT_EQ(backend().version().rfind("LibTorch 1.13", 0), 0u) << backend().version();

  int before = backend().numThreads();
  EXPECT_GE(before, 1);
  backend().setNumThreads(1);
  EXPECT_EQ(backend().numThreads(), 1);
  backend().setNumThreads(before);
  EXPECT_THROW(backend().setNumThreads(0), Error);
}

TEST(TorchBackend, Supports) {
  Graph g;
  Node *x = g.addInput("x", {DType::F32, {1, 1, 4, 4}});
  Attributes k = ints("kernel", {2, 2});
  Node *pool = g.addChecked(OpKind::MaxPool2d, {x}, k);
  std::string why;
  EXPECT_TRUE(backend().supports(*pool, &why));
  EXPECT_TRUE(why.empty());
  EXPECT_FALSE(backend().supports(*x, &why));
  EXPECT_NE(why.find("input"), std::string::npos) << why;
  // i64 pooling has no LibTorch CPU kernel (built unchecked: the IR rejects it).
  Node *xi = g.addInput("xi", {DType::I64, {1, 1, 4, 4}});
  Node *poolI = g.addNode(OpKind::MaxPool2d, {xi}, k, {DType::I64, {1, 1, 2, 2}});
  EXPECT_FALSE(backend().supports(*poolI, &why));
  EXPECT_NE(why.find("i64"), std::string::npos) << why;
}

} // namespace
} // namespace duet
