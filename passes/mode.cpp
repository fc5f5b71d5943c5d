//===- passes/mode.cpp - where ops may run ---------------------------------===//
#include "passes/mode.h"

namespace duet {

std::string_view modeName(Mode m) {
  switch (m) {
  case Mode::Pure: return "pure";
  case Mode::Torch: return "torch";
  case Mode::Auto: return "auto";
  }
  return "?";
}

std::optional<Mode> parseMode(std::string_view s) {
  for (Mode m : {Mode::Pure, Mode::Torch, Mode::Auto})
    if (s == modeName(m))
      return m;
  return std::nullopt;
}

} // namespace duet
