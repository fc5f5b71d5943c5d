//===- passes/mode.h - where ops may run ------------------------*- C++ -*-===//
#pragma once

#include <optional>
#include <string_view>

namespace duet {

/// pure: never torch. torch: every op torch can run goes to torch.
/// auto: each node where the cost model says it is cheapest.
enum class Mode : unsigned char { Pure, Torch, Auto };

std::string_view modeName(Mode m); // "pure", "torch", "auto"
std::optional<Mode> parseMode(std::string_view s);

} // namespace duet
