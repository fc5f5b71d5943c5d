//===- bench/duet_workloads.h - the graphs duet_bench measures --*- C++ -*-===//
#pragma once

#include "bench_util.h"

#include "frontend/frontend.h"
#include "frontend/nn/layers.h"

#include <cstdlib>
#include <string>
#include <thread>

namespace duet::bench {

/// x[n,n] @ w[n,n], both inputs.
inline std::unique_ptr<Graph> gemmGraph(int64_t n) {
  GraphBuilder b("gemm_" + std::to_string(n));
  Tensor x = b.input("x", DType::F32, {n, n});
  Tensor w = b.input("w", DType::F32, {n, n});
  return b.graph({matmul(x, w)});
}

/// Ten elementwise ops over a vector of n floats (unary, with scalars, and
/// with the input again), the chain of issue #7's measurements.
inline std::unique_ptr<Graph> eltwiseChainGraph(int64_t n) {
  GraphBuilder b("eltwise_chain");
  Tensor x = b.input("x", DType::F32, {n});
  Tensor y = x * 1.5; // 1
  y = y + 0.25;       // 2
  y = relu(y);        // 3
  y = y * x;          // 4
  y = y - 0.5;        // 5
  y = abs(y);         // 6
  y = y + x;          // 7
  y = neg(y);         // 8
  y = y * 0.75;       // 9
  y = maximum(y, x);  // 10
  return b.graph({y});
}

/// `n` tiny elementwise nodes (4 floats): what is left is per-node overhead.
inline std::unique_ptr<Graph> tinyChainGraph(int64_t n) {
  GraphBuilder b("tiny_chain");
  Tensor x = b.input("x", DType::F32, {4});
  Tensor y = x;
  for (int64_t i = 0; i < n; ++i)
    y = (i % 2) ? relu(y) : y * 1.5;
  return b.graph({y});
}

/// The 784-256-10 MLP of mlp_train_b64.
inline std::shared_ptr<nn::Module> trainMlp() {
  return std::make_shared<nn::Sequential>(std::vector<std::shared_ptr<nn::Module>>{
      std::make_shared<nn::Linear>(784, 256), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Linear>(256, 10)});
}

/// A seeded classification batch: pixels in [0, 1), labels in [0, 10).
inline std::pair<Buffer, Buffer> mnistLikeBatch(int64_t batch) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<float> u01(0.f, 1.f);
  Buffer x = Buffer::allocate(DType::F32, {batch, 784});
  Buffer y = Buffer::allocate(DType::I64, {batch});
  for (int64_t i = 0; i < x.numel(); ++i)
    x.data<float>()[i] = u01(rng);
  for (int64_t i = 0; i < batch; ++i)
    y.data<int64_t>()[i] = static_cast<int64_t>(rng() % 10);
  return {x, y};
}

/// Machine facts for the JSON context beyond addContext(): CPU, cores and
/// the thread knobs, so a table says what it was measured on.
inline void addMachineContext() {
  std::string cpu = "unknown";
  if (FILE *f = std::fopen("/proc/cpuinfo", "r")) {
    char line[512];
    while (std::fgets(line, sizeof line, f))
      if (std::string l = line; l.rfind("model name", 0) == 0) {
        cpu = l.substr(l.find(':') + 2);
        cpu.erase(cpu.find_last_not_of("\n ") + 1);
        break;
      }
    std::fclose(f);
  }
  benchmark::AddCustomContext("duet_cpu", cpu);
  benchmark::AddCustomContext("duet_hardware_threads",
                              std::to_string(std::thread::hardware_concurrency()));
  for (const char *var : {"DUET_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"}) {
    const char *v = std::getenv(var);
    benchmark::AddCustomContext(std::string("env_") + var, v ? v : "(unset)");
  }
  const char *profile = std::getenv("DUET_PROFILE");
  benchmark::AddCustomContext("duet_profile", profile ? profile : "(defaults)");
#ifdef __OPTIMIZE__
  benchmark::AddCustomContext("duet_build", "optimized");
#else
  benchmark::AddCustomContext("duet_build", "unoptimized");
#endif
}

} // namespace duet::bench
