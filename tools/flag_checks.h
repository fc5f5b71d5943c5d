//===- tools/flag_checks.h - number checks for CLI flags --------*- C++ -*-===//
//
// Every numeric flag is checked here, so each error is one short line naming
// the flag, the value and the rule ("--threads: must be an integer >= 1, got
// 0"); CLI11's own PositiveNumber/Range print their bound, DBL_MAX, in full
// (309 digits).
//
#pragma once

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cmath>
#include <string>

namespace duet::cli {

namespace detail {
inline CLI::Validator numberCheck(double lo, double hi, bool loOpen, bool integer) {
  auto number = [](double v) { return fmt::format("{}", v); };
  std::string bounds = std::isfinite(hi) ? "from " + number(lo) + " to " + number(hi)
                                         : (loOpen ? "> " : ">= ") + number(lo);
  std::string rule = (integer ? "an integer " : "a number ") + bounds;
  return CLI::Validator(
      [=](std::string &text) -> std::string {
        double v = 0;
        bool isNumber = CLI::detail::lexical_cast(text, v) && std::isfinite(v);
        bool ok =
            isNumber && (loOpen ? v > lo : v >= lo) && v <= hi && (!integer || v == std::floor(v));
        return ok ? std::string() : "must be " + rule + ", got " + text;
      },
      (integer ? "INTEGER " : "NUMBER ") + bounds);
}
inline constexpr double kInf = INFINITY;
} // namespace detail

/// > 0
inline CLI::Validator positive() { return detail::numberCheck(0, detail::kInf, true, false); }
/// >= 0
inline CLI::Validator nonNegative() { return detail::numberCheck(0, detail::kInf, false, false); }
/// lo <= x <= hi
inline CLI::Validator inRange(double lo, double hi) {
  return detail::numberCheck(lo, hi, false, false);
}
/// An integer >= lo
inline CLI::Validator integerAtLeast(double lo) {
  return detail::numberCheck(lo, detail::kInf, false, true);
}
/// An integer, lo <= x <= hi
inline CLI::Validator integerInRange(double lo, double hi) {
  return detail::numberCheck(lo, hi, false, true);
}

} // namespace duet::cli
