//===- tests/passes/filecheck.h - a small FileCheck for tests ---*- C++ -*-===//
//
// Matches text against LLVM FileCheck-style directives written as comments:
//   // CHECK: pat        found in order, after the previous match
//   // CHECK-NEXT: pat   on the line right after the previous match
//   // CHECK-SAME: pat   on the same line, after the previous match
//   // CHECK-NOT: pat    absent between the surrounding positive matches
//   // CHECK-LABEL: pat  like CHECK (used to anchor a section)
// Patterns are literal substrings (runs of blanks match any run of blanks)
// with optional `{{regex}}` parts (ECMAScript). A pattern never spans lines.
//
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace duet::test {

enum class CheckKind { Check, Next, Same, Not, Label };

struct CheckDirective {
  CheckKind kind;
  std::string pattern; // as written, trimmed
  int line;            // 1-based line in the source the directive came from
};

/// Collects the directives from `source` (line numbers start at firstLine).
/// Throws std::invalid_argument for a malformed directive: an unknown
/// suffix (`CHECK-NXT:`), a missing colon, an empty pattern, a bad regex, or
/// CHECK-NEXT/-SAME with no positive match before it.
std::vector<CheckDirective> parseCheckDirectives(std::string_view source, int firstLine = 1);

/// Runs the directives over `output`. Returns an empty string on success,
/// else "<line>: <DIRECTIVE>: '<pattern>' <why>", where the search started,
/// and the whole output with line numbers.
std::string fileCheck(std::string_view output, const std::vector<CheckDirective> &checks);

std::string_view checkKindName(CheckKind k);

} // namespace duet::test
