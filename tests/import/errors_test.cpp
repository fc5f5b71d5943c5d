//===- tests/import/errors_test.cpp - what import says about bad input ----===//
#include "import_test_util.h"

#include "ir/error.h"

#include <algorithm>

namespace duet::test {
namespace {

std::string importError(const std::string &model, std::vector<Shape> shapes) {
  import::ImportOptions opts;
  opts.inputShapes = std::move(shapes);
  try {
    import::importTorchScript(modelPath(model, ".pt"), opts);
  } catch (const Error &e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ImportErrors, ListsEveryUnsupportedOpKindWithItsNodesOnce) {
  std::string msg = importError("unsupported", {{3, 4}});
  EXPECT_NE(msg.find("cannot import " + modelPath("unsupported", ".pt")), std::string::npos) << msg;
  EXPECT_NE(msg.find("2 unsupported op kind(s)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("aten::cumsum (1 node)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("aten::sin (2 nodes)"), std::string::npos) << msg;
  // Each node with its line in the module's source.
  EXPECT_NE(msg.find("%x.1)  at "), std::string::npos) << msg;
  // Supported ops using an unsupported result are not blamed.
  EXPECT_EQ(msg.find("aten::relu"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("aten::mul"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("cannot be converted"), std::string::npos) << msg;
}

TEST(ImportErrors, ShapeCountMustMatchForwardsArguments) {
  EXPECT_NE(importError("elementwise_ops", {{3, 5}})
                .find("forward takes 2 input(s) (x, y) but 1 shape(s) were given"),
            std::string::npos);
}

TEST(ImportErrors, AShapeTheModelCannotTakeNamesTheNode) {
  std::string msg = importError("resnet18", {{1, 3, 64}});
  EXPECT_NE(msg.find("node(s) that cannot be converted"), std::string::npos) << msg;
  EXPECT_NE(msg.find("aten::_convolution"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[N,C,H,W]"), std::string::npos) << msg;
}

TEST(ImportErrors, MissingAndNonTorchScriptFiles) {
  import::ImportOptions opts;
  try {
    import::importTorchScript(modelsDir() + "/no_such.pt", opts);
    ADD_FAILURE() << "no error";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("no such file"), std::string::npos) << e.what();
  }
  try {
    import::importTorchScript(modelPath("resnet18", ".in0.npy"), opts);
    ADD_FAILURE() << "no error";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("not a TorchScript file"), std::string::npos) << e.what();
  }
}

// docs/import.md must list every op the importer maps, as `aten::name`.
TEST(ImportDocs, ListEverySupportedOp) {
  std::ifstream in(std::string(DUET_SOURCE_DIR) + "/docs/import.md");
  std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const std::string &op : import::supportedOps())
    EXPECT_NE(doc.find("`" + op + "`"), std::string::npos) << op << " missing in docs/import.md";
}

} // namespace
} // namespace duet::test
