//===- backends/runtime/mode_setting.h - the process-wide mode --*- C++ -*-===//
#pragma once

#include "passes/mode.h"

namespace duet {

/// Sets the mode every later plain run (defaultCompileOptions) uses.
void setMode(Mode m);
/// The process-wide mode. Until setMode is called: DUET_MODE=pure|torch|auto
/// when set and non-empty (anything else is a duet::Error naming DUET_MODE
/// and the allowed values), else Auto when this build has a torch backend,
/// else Pure.
Mode currentMode();
/// Forgets setMode: currentMode() reads DUET_MODE / the default again.
void resetMode();
/// Throws duet::Error(kNoTorchMessage) when `m` needs torch (torch, auto)
/// and this build has no torch backend.
void requireModeAvailable(Mode m);
/// DUET_STRICT=1 (or true/yes/on): a failing torch region is an error
/// instead of falling back to the pure interpreter.
bool strictFromEnv();

} // namespace duet
