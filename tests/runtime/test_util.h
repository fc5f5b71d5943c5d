//===- tests/runtime/test_util.h - shared helpers of the runtime tests -*- C++ -*-===//
#pragma once

#include "backends/buffer.h"
#include "backends/runtime/plan.h"
#include "ir/graph.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unistd.h>

namespace duet::test {

/// A fresh temporary directory, removed when the object dies.
class TempDir {
public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("duet_runtime_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter()++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string &name) const { return (path_ / name).string(); }

private:
  static int &counter() {
    static int c = 0;
    return c;
  }
  std::filesystem::path path_;
};

/// Sets (or unsets, with nullopt) an environment variable for one scope.
class ScopedEnv {
public:
  ScopedEnv(const char *name, std::optional<std::string> value) : name_(name) {
    if (const char *old = std::getenv(name))
      old_ = old;
    if (value)
      ::setenv(name, value->c_str(), 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

private:
  const char *name_;
  std::optional<std::string> old_;
};

/// mlp(x[B,I]) params(w1[I,H], b1[H], w2[H,O], b2[O]) = relu(x@w1+b1)@w2+b2
inline std::unique_ptr<Graph> makeMlp(int64_t batch, int64_t in, int64_t hidden, int64_t out,
                                      const std::string &name = "mlp") {
  auto g = std::make_unique<Graph>(name);
  Node *x = g->addInput("x", {DType::F32, {batch, in}});
  Node *w1 = g->addParam("w1", {DType::F32, {in, hidden}});
  Node *b1 = g->addParam("b1", {DType::F32, {hidden}});
  Node *w2 = g->addParam("w2", {DType::F32, {hidden, out}});
  Node *b2 = g->addParam("b2", {DType::F32, {out}});
  Node *h = g->addChecked(OpKind::Matmul, {x, w1});
  h = g->addChecked(OpKind::Add, {h, b1});
  h = g->addChecked(OpKind::Relu, {h});
  Node *y = g->addChecked(OpKind::Matmul, {h, w2});
  y = g->addChecked(OpKind::Add, {y, b2});
  g->setOutputs({y});
  return g;
}

/// The same MLP with naive loops in double precision.
inline std::vector<double> naiveMlp(const Buffer &x, const ParamStore &p) {
  const int64_t batch = x.shape()[0], in = x.shape()[1];
  const Buffer &w1 = p.at("w1"), &b1 = p.at("b1"), &w2 = p.at("w2"), &b2 = p.at("b2");
  const int64_t hidden = w1.shape()[1], out = w2.shape()[1];
  std::vector<double> y(static_cast<size_t>(batch * out));
  for (int64_t b = 0; b < batch; ++b) {
    std::vector<double> h(static_cast<size_t>(hidden));
    for (int64_t j = 0; j < hidden; ++j) {
      double s = b1.at(j);
      for (int64_t k = 0; k < in; ++k)
        s += x.at(b * in + k) * w1.at(k * hidden + j);
      h[j] = s > 0 ? s : 0;
    }
    for (int64_t o = 0; o < out; ++o) {
      double s = b2.at(o);
      for (int64_t j = 0; j < hidden; ++j)
        s += h[j] * w2.at(j * out + o);
      y[b * out + o] = s;
    }
  }
  return y;
}

/// A buffer of `type` with values f(i).
template <class F> Buffer makeBuffer(TensorType type, F f) {
  Buffer b = Buffer::allocate(type);
  dispatchDType(type.dtype, [&](auto tag) {
    using T = decltype(tag);
    for (int64_t i = 0; i < b.numel(); ++i)
      b.data<T>()[i] = static_cast<T>(f(i));
  });
  return b;
}

/// Runs `fn` and returns the message of the duet::Error it throws ("" if none).
template <class F> std::string errorOf(F fn) {
  try {
    fn();
  } catch (const std::exception &e) {
    return e.what();
  }
  return "";
}

} // namespace duet::test
