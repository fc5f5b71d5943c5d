//===- tests/import/models_test.cpp - imported models vs PyTorch ----------===//
//
// Each model is imported, written as MODEL.duet + MODEL.safetensors, read
// back as `duet run` reads it, and run in pure, torch and auto modes; the
// outputs must match the eager PyTorch module's (make_models.py).
//
#include "import_test_util.h"

#include "../tools/cli_util.h"

#include <map>

namespace duet::test {
namespace {

struct Case {
  std::string model;
  bool fold; // let freezing fold batch_norm into conv
};

void PrintTo(const Case &c, std::ostream *os) { *os << c.model << (c.fold ? " (fold)" : ""); }

struct Loaded {
  std::unique_ptr<Graph> graph;
  ParamStore params;
};

/// Imported once per (model, fold) and round-tripped through the files.
const Loaded &loaded(const Case &c) {
  static std::map<std::pair<std::string, bool>, Loaded> cache;
  auto key = std::pair{c.model, c.fold};
  if (auto it = cache.find(key); it != cache.end())
    return it->second;
  import::ImportOptions opts;
  opts.inputShapes = modelShapes(c.model);
  opts.foldConstants = c.fold;
  import::ImportedModel m = import::importTorchScript(modelPath(c.model, ".pt"), opts);
  static TempDir dir("import_models"); // per process: ctest runs tests in parallel
  std::string file = dir / (c.model + (c.fold ? ".fold.duet" : ".nofold.duet"));
  import::writeImportedModel(m, file);
  Loaded l{parseGraphFile(file), nn::loadSafetensors(import::paramsPathFor(file))};
  return cache[key] = std::move(l);
}

class ImportedModelTest : public ::testing::TestWithParam<std::tuple<Case, Mode>> {};

TEST_P(ImportedModelTest, MatchesPyTorch) {
  auto [c, mode] = GetParam();
  const Loaded &l = loaded(c);
  std::vector<Buffer> inputs = modelArrays(c.model, "in");
  std::shared_ptr<Plan> plan = compile(*l.graph, optionsFor(mode));
  expectMatches(plan->run(inputs, l.params), modelArrays(c.model, "ref"),
                c.model + " in " + std::string(modeName(mode)) + " mode");
}

std::string caseName(const ::testing::TestParamInfo<std::tuple<Case, Mode>> &info) {
  const Case &c = std::get<0>(info.param);
  return c.model + (c.fold ? "_fold_" : "_nofold_") +
         std::string(modeName(std::get<1>(info.param)));
}

INSTANTIATE_TEST_SUITE_P(Models, ImportedModelTest,
                         ::testing::Combine(::testing::Values(Case{"resnet18", true},
                                                              Case{"mobilenet_v2", false},
                                                              Case{"transformer_layer", true}),
                                            ::testing::Values(Mode::Pure, Mode::Torch, Mode::Auto)),
                         caseName);

// Op coverage: small modules using the arguments the models above do not.
INSTANTIATE_TEST_SUITE_P(
    Ops, ImportedModelTest,
    ::testing::Combine(::testing::Values(Case{"conv_ops", false}, Case{"conv_ops", true},
                                         Case{"elementwise_ops", true}, Case{"shape_ops", true}),
                       ::testing::Values(Mode::Pure, Mode::Torch)),
    caseName);

size_t countOps(const Graph &g, OpKind k) {
  return std::count_if(g.nodes().begin(), g.nodes().end(), [&](Node *n) { return n->op() == k; });
}

TEST(Import, KeepsArgumentAndWeightNames) {
  const Loaded &r = loaded({"resnet18", true});
  ASSERT_EQ(r.graph->inputs().size(), 1u);
  EXPECT_EQ(r.graph->inputs()[0]->name(), "x");
  EXPECT_NE(r.graph->findNamed("fc.weight"), nullptr);
  // The bias that conv+bn folding computes is named after the conv's weight.
  EXPECT_TRUE(std::any_of(r.graph->params().begin(), r.graph->params().end(),
                          [](Node *p) { return p->name().starts_with("conv1.bias"); }));
  EXPECT_EQ(r.params.size(), r.graph->params().size());
  EXPECT_EQ(loaded({"transformer_layer", true}).graph->inputs()[0]->name(), "src");
  const Loaded &e = loaded({"elementwise_ops", true});
  EXPECT_EQ(e.graph->inputs()[1]->name(), "y");
  EXPECT_EQ(e.graph->outputs().size(), 2u); // a tuple result: two outputs
}

TEST(Import, FoldingDecidesWhetherBatchNormStays) {
  EXPECT_EQ(countOps(*loaded({"conv_ops", false}).graph, OpKind::BatchNorm), 1u);
  EXPECT_EQ(countOps(*loaded({"conv_ops", true}).graph, OpKind::BatchNorm), 0u);
  EXPECT_EQ(countOps(*loaded({"mobilenet_v2", false}).graph, OpKind::BatchNorm), 52u);
  // Depthwise convolutions keep their groups.
  const Graph &g = *loaded({"mobilenet_v2", false}).graph;
  EXPECT_TRUE(std::any_of(g.nodes().begin(), g.nodes().end(), [](Node *n) {
    return n->op() == OpKind::Conv2d && n->attrs().getInt("groups", 1) > 1;
  }));
}

TEST(Import, TheTorchScriptModuleItselfMatchesThePyTorchReference) {
  import::TorchScriptModule m(modelPath("transformer_layer", ".pt"));
  expectMatches(m.forward(modelArrays("transformer_layer", "in")),
                modelArrays("transformer_layer", "ref"), "TorchScript forward");
}

// The command line: `duet import`, then `duet run -o` finds the weights.
TEST(ImportCli, ImportThenRunWritesOutputsAsNpy) {
  TempDir dir("import_cli");
  CliResult imp = runDuet("import '" + modelPath("mobilenet_v2", ".pt") +
                          "' --shape 1x3x64x64 -o '" + (dir / "m.duet") + "'");
  ASSERT_EQ(imp.exitCode, 0) << imp.err;
  EXPECT_TRUE(std::filesystem::exists(dir / "m.safetensors"));
  CliResult run = runDuet("run '" + (dir / "m.duet") + "' --mode auto --input x='" +
                          modelPath("mobilenet_v2", ".in0.npy") + "' -o '" + (dir / "out") + "'");
  ASSERT_EQ(run.exitCode, 0) << run.err;
  expectMatches({readNpy(dir / "out/output0.npy")}, modelArrays("mobilenet_v2", "ref"),
                "duet run of the imported mobilenet_v2");

  // Weights elsewhere: --params FILE.safetensors.
  std::filesystem::rename(dir / "m.safetensors", dir / "weights.safetensors");
  CliResult moved = runDuet(
      "run '" + (dir / "m.duet") + "' --mode pure --params '" + (dir / "weights.safetensors") +
      "' --input x='" + modelPath("mobilenet_v2", ".in0.npy") + "' -o '" + (dir / "out2") + "'");
  ASSERT_EQ(moved.exitCode, 0) << moved.err;
  expectMatches({readNpy(dir / "out2/output0.npy")}, modelArrays("mobilenet_v2", "ref"),
                "duet run --params weights.safetensors");
}

} // namespace
} // namespace duet::test
