//===- tools/flag_checks.h - number checks for CLI flags --------*- C++ -*-===//
//
// CLI11's PositiveNumber/NonNegativeNumber print their upper bound, DBL_MAX,
// in full (309 digits) when a value is out of range; these say the rule.
//
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace duet::cli {

namespace detail {
inline CLI::Validator numberCheck(bool (*ok)(double), const char *rule) {
  return CLI::Validator(
      [ok, rule](std::string &text) -> std::string {
        double v = 0;
        if (!CLI::detail::lexical_cast(text, v))
          return "'" + text + "' is not a number";
        if (!ok(v))
          return "must be " + std::string(rule) + ", got " + text;
        return {};
      },
      std::string("NUMBER ") + rule);
}
} // namespace detail

/// > 0
inline CLI::Validator positive() {
  return detail::numberCheck([](double v) { return v > 0; }, "> 0");
}
/// >= 0
inline CLI::Validator nonNegative() {
  return detail::numberCheck([](double v) { return v >= 0; }, ">= 0");
}

} // namespace duet::cli
