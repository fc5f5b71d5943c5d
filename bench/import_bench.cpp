//===- bench/import_bench.cpp - imported models: duet auto vs TorchScript -===//
//
// For each TorchScript test model (tests/import/make_models.py, built into
// BUILD/import_models): one run of the imported graph in auto mode, and one
// forward of the TorchScript module itself in LibTorch (eval, no autograd),
// on the same input, in one process. Counters: nodes per backend in auto
// mode. The .pt files are shape-generic, so the CNNs also run at 224x224.
//
#include "bench_util.h"

#include "backends/runtime/compile.h"
#include "backends/runtime/plan.h"
#include "backends/runtime/profile_env.h"
#include "frontend/import/import.h"

#include <filesystem>

namespace duet::bench {
namespace {

struct ModelCase {
  const char *name;
  Shape shape;
};

const ModelCase kCases[] = {{"resnet18", {1, 3, 64, 64}},
                            {"resnet18", {1, 3, 224, 224}},
                            {"mobilenet_v2", {1, 3, 64, 64}},
                            {"mobilenet_v2", {1, 3, 224, 224}},
                            {"transformer_layer", {2, 16, 64}}};

std::string modelFile(const ModelCase &c) {
  return std::string(DUET_BINARY_DIR) + "/import_models/" + c.name + ".pt";
}

bool available(benchmark::State &state, const ModelCase &c) {
  if (!torchBackend())
    state.SkipWithError("no LibTorch in this build");
  else if (!std::filesystem::exists(modelFile(c)))
    state.SkipWithError("no test models: build the duet_import_models target");
  else
    return true;
  return false;
}

void runDuetAuto(benchmark::State &state, const ModelCase &c) {
  if (!available(state, c))
    return;
  import::ImportOptions io;
  io.inputShapes = {c.shape};
  import::ImportedModel m = import::importTorchScript(modelFile(c), io);
  CompileOptions opts;
  opts.mode = Mode::Auto;
  opts.partition.profile = profileFromEnvironment();
  auto plan = compile(*m.graph, opts);
  std::vector<Buffer> inputs = randomInputs(*m.graph);
  for (auto _ : state)
    benchmark::DoNotOptimize(plan->run(inputs, m.params));
  const RunStats &s = plan->stats();
  state.counters["pure_nodes"] = static_cast<double>(s.pureNodes);
  state.counters["torch_nodes"] = static_cast<double>(s.torchNodes);
  state.counters["regions"] = static_cast<double>(s.regions);
}

void runTorchScript(benchmark::State &state, const ModelCase &c) {
  if (!available(state, c))
    return;
  import::TorchScriptModule module(modelFile(c));
  Graph shapeOnly;
  shapeOnly.addInput("x", {DType::F32, c.shape});
  std::vector<Buffer> inputs = randomInputs(shapeOnly);
  for (auto _ : state)
    benchmark::DoNotOptimize(module.forward(inputs));
}

int registerAll() {
  addContext();
  for (const ModelCase &c : kCases) {
    std::string label = std::string(c.name) + "/" + shapeToString(c.shape);
    benchmark::RegisterBenchmark(("BM_Import/" + label + "/duet_auto").c_str(),
                                 [c](benchmark::State &s) { runDuetAuto(s, c); })
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("BM_Import/" + label + "/torchscript").c_str(),
                                 [c](benchmark::State &s) { runTorchScript(s, c); })
        ->Unit(benchmark::kMillisecond);
  }
  return 0;
}
const int registered = registerAll();

} // namespace
} // namespace duet::bench

BENCHMARK_MAIN();
