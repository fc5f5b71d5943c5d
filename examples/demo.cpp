//===- examples/demo.cpp - a first tour of duet ---------------------------===//
//
// Defines a small MLP, compiles it for the current mode (DUET_MODE=pure|
// torch|auto; auto by default when LibTorch is built in), runs it on random
// inputs and shows what the compiler decided.
//
//   build/bin/demo              DUET_MODE=pure build/bin/demo
//
#include "backends/runtime/params.h"
#include "frontend/frontend.h"
#include "frontend/summary.h"

#include <iostream>

using namespace duet;

int main() try {
  // 1. Eager-looking code is lazy: ops record a graph, printing computes.
  Tensor a = fromVector<float>({2, 3}, {-1, 2, -3, 4, -5, 6});
  std::cout << "relu(a) * 2 = " << relu(a) * 2.0 << "\n\n";

  // 2. Define, then run: a 784-512-256-10 MLP classifying a batch of 64.
  GraphBuilder b("mlp");
  Tensor x = b.input("x", DType::F32, {64, 784});
  auto layer = [&](const Tensor &in, const std::string &name, int64_t out) {
    Tensor w = b.param(name + ".weight", DType::F32, {out, in.size(-1)});
    Tensor bias = b.param(name + ".bias", DType::F32, {out});
    return linear(in, w, bias);
  };
  Tensor h = relu(layer(x, "fc1", 512));
  h = gelu(layer(h, "fc2", 256));
  Tensor logits = layer(h, "fc3", 10);
  Tensor probs = softmax(logits, -1);
  b.setName(probs, "probs");

  Program prog = b.build({probs}); // compiled for currentMode()
  std::cout << "mode: " << modeName(currentMode()) << "\n";

  ParamStore params = initParams(prog.graph(), /*seed=*/0);
  Buffer input = randn({64, 784}, DType::F32, /*seed=*/1).data();
  prog.run({input}, params); // warm-up: first-touch allocations
  prog.plan().setStepTiming(true); // per-step times for the table below
  std::vector<Buffer> outs = prog.run({input}, params);
  std::cout << "probs = " << summarize(outs[0]) << "\n\n";

  // 3. What ran where: nodes per backend, regions, conversions, step times.
  std::cout << prog.stats().format() << "\n";

  // 4. The compiled graph, annotated with each node's backend and region.
  std::cout << printGraph(prog.plan().graph());
  return 0;
} catch (const Error &e) {
  std::cerr << "demo: error: " << e.what() << '\n';
  return 1;
}
