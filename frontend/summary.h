//===- frontend/summary.h - one-line description of a value -----*- C++ -*-===//
#pragma once

#include "backends/buffer.h"

#include <string>

namespace duet {

/// "f32[2,3] min -1.5 max 2 mean 0.25 [0.5, -1.5, 2, ...]": type, statistics
/// (floats and ints; bools count trues) and the first `firstN` values.
/// NaNs are counted instead of poisoning min/max.
std::string summarize(const Buffer &value, int firstN = 6);

} // namespace duet
