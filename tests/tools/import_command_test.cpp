//===- tests/tools/import_command_test.cpp - `duet import` in every build -===//
//
// The models themselves are tested in tests/import (builds with LibTorch and
// Python torch); here: the command exists in every build and says what is
// wrong before touching a model.
//
#include "cli_util.h"

#include "backends/torch_backend.h"
#include "frontend/import/import.h"

#include <gtest/gtest.h>

namespace duet::test {
namespace {

TEST(ImportCommand, WithoutLibTorchSaysImportNeedsIt) {
  if (torchBackend())
    GTEST_SKIP() << "this build has LibTorch";
  CliResult r = runDuet("import model.pt --shape 1x3x8x8");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_EQ(r.err, std::string("duet: error: ") + import::kNoImportMessage + "\n");
}

TEST(ImportCommand, RejectsAMalformedShape) {
  CliResult r = runDuet("import model.pt --shape 1x3xfoo");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("--shape 1x3xfoo: expected sizes joined by 'x', e.g. 1x3x224x224"),
            std::string::npos)
      << r.err;
}

TEST(ImportCommand, AMissingModelIsNamed) {
  if (!torchBackend())
    GTEST_SKIP() << "no LibTorch: import stops before looking at the file";
  TempDir dir("import_missing");
  CliResult r = runDuet("import '" + (dir / "none.pt") + "' --shape 2x2");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("cannot import " + (dir / "none.pt") + ": no such file"), std::string::npos)
      << r.err;
}

} // namespace
} // namespace duet::test
