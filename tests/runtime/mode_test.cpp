//===- tests/runtime/mode_test.cpp - the process-wide mode ----------------===//
#include "backends/runtime/compile.h"
#include "backends/runtime/mode_setting.h"
#include "backends/torch_backend.h"
#include "ir/error.h"
#include "test_util.h"

namespace duet {
namespace {

using test::errorOf;
using test::ScopedEnv;

/// Leaves the process mode as it found it (unset).
struct ModeReset {
  ~ModeReset() { resetMode(); }
};

TEST(Mode, DefaultsFromTheEnvironment) {
  ModeReset reset;
  resetMode();
  {
    ScopedEnv env("DUET_MODE", std::nullopt);
    EXPECT_EQ(currentMode(), torchBackend() ? Mode::Auto : Mode::Pure);
  }
  {
    ScopedEnv env("DUET_MODE", ""); // CTest sets it empty: same as unset
    EXPECT_EQ(currentMode(), torchBackend() ? Mode::Auto : Mode::Pure);
  }
  {
    ScopedEnv env("DUET_MODE", "torch");
    EXPECT_EQ(currentMode(), Mode::Torch);
    EXPECT_EQ(defaultCompileOptions().mode, Mode::Torch);
  }
  {
    ScopedEnv env("DUET_MODE", "fast");
    EXPECT_EQ(errorOf([] { currentMode(); }),
              "DUET_MODE='fast' is not a mode; allowed values: pure, torch, auto");
  }
}

TEST(Mode, SetModeOverridesTheEnvironment) {
  ModeReset reset;
  ScopedEnv env("DUET_MODE", "auto");
  setMode(Mode::Pure);
  EXPECT_EQ(currentMode(), Mode::Pure);
  setMode(Mode::Torch);
  EXPECT_EQ(currentMode(), Mode::Torch);
  resetMode();
  EXPECT_EQ(currentMode(), Mode::Auto);
}

TEST(Mode, TorchModesNeedTorch) {
  EXPECT_NO_THROW(requireModeAvailable(Mode::Pure));
  if (torchBackend()) {
    EXPECT_NO_THROW(requireModeAvailable(Mode::Torch));
    EXPECT_NO_THROW(requireModeAvailable(Mode::Auto));
  } else {
    EXPECT_EQ(errorOf([] { requireModeAvailable(Mode::Torch); }), kNoTorchMessage);
    EXPECT_EQ(errorOf([] { requireModeAvailable(Mode::Auto); }), kNoTorchMessage);
  }
}

TEST(Mode, StrictFromTheEnvironment) {
  {
    ScopedEnv env("DUET_STRICT", std::nullopt);
    EXPECT_FALSE(strictFromEnv());
    EXPECT_FALSE(defaultCompileOptions().strict);
  }
  {
    ScopedEnv env("DUET_STRICT", "1");
    EXPECT_TRUE(strictFromEnv());
    EXPECT_TRUE(defaultCompileOptions().strict);
  }
  {
    ScopedEnv env("DUET_STRICT", "0");
    EXPECT_FALSE(strictFromEnv());
  }
}

TEST(Mode, PureDefaultOptionsIgnoreABrokenProfile) {
  ModeReset reset;
  test::TempDir dir;
  ScopedEnv env("DUET_PROFILE", dir.file("missing.json"));
  setMode(Mode::Pure);
  EXPECT_EQ(defaultCompileOptions().partition.profile, nullptr);
  if (torchBackend()) {
    setMode(Mode::Auto);
    EXPECT_NE(errorOf([] { defaultCompileOptions(); }).find("missing.json"), std::string::npos);
  }
}

} // namespace
} // namespace duet
