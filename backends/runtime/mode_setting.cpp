//===- backends/runtime/mode_setting.cpp - the process-wide mode ----------===//
#include "backends/runtime/mode_setting.h"

#include "backends/torch_backend.h"
#include "ir/error.h"

#include <fmt/format.h>

#include <cstdlib>
#include <mutex>
#include <optional>
#include <string>

namespace duet {

namespace {

std::mutex modeMutex;
std::optional<Mode> explicitMode; // set by setMode

Mode modeFromEnvironment() {
  const char *env = std::getenv("DUET_MODE");
  if (env && *env) {
    if (std::optional<Mode> m = parseMode(env))
      return *m;
    throw Error(fmt::format("DUET_MODE='{}' is not a mode; allowed values: pure, torch, auto",
                            env));
  }
  return torchBackend() ? Mode::Auto : Mode::Pure;
}

} // namespace

void setMode(Mode m) {
  std::lock_guard<std::mutex> lock(modeMutex);
  explicitMode = m;
}

void resetMode() {
  std::lock_guard<std::mutex> lock(modeMutex);
  explicitMode.reset();
}

Mode currentMode() {
  std::lock_guard<std::mutex> lock(modeMutex);
  if (explicitMode)
    return *explicitMode;
  // Not cached: a bad DUET_MODE keeps failing clearly on every call, and
  // tests may change the variable.
  return modeFromEnvironment();
}

void requireModeAvailable(Mode m) {
  if (m != Mode::Pure && !torchBackend())
    throw Error(kNoTorchMessage);
}

bool strictFromEnv() {
  const char *env = std::getenv("DUET_STRICT");
  if (!env)
    return false;
  std::string v = env;
  return v == "1" || v == "true" || v == "yes" || v == "on";
}

} // namespace duet
