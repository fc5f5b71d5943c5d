//===- tests/passes/filecheck.cpp - a small FileCheck for tests ------------===//
#include "filecheck.h"

#include <fmt/format.h>

#include <optional>
#include <regex>
#include <stdexcept>

namespace duet::test {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> splitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      if (start < text.size())
        lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

/// Literal text with `{{regex}}` parts -> one ECMAScript regex.
std::regex compilePattern(std::string_view pattern) {
  std::string re;
  size_t i = 0;
  while (i < pattern.size()) {
    if (pattern.compare(i, 2, "{{") == 0) {
      size_t close = pattern.find("}}", i + 2);
      if (close == std::string_view::npos)
        throw std::invalid_argument("unterminated '{{' in pattern");
      re += "(?:" + std::string(pattern.substr(i + 2, close - i - 2)) + ")";
      i = close + 2;
      continue;
    }
    char c = pattern[i];
    if (c == ' ' || c == '\t') {
      while (i < pattern.size() && (pattern[i] == ' ' || pattern[i] == '\t'))
        ++i;
      re += "[ \\t]+";
      continue;
    }
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos)
      re += '\\';
    re += c;
    ++i;
  }
  return std::regex(re, std::regex::ECMAScript);
}

struct Match {
  size_t line, begin, end; // columns [begin, end) on `line`
};

/// First match of `re` in line `line` at or after column `from`.
std::optional<Match> matchInLine(const std::regex &re, std::string_view text, size_t line,
                                 size_t from, size_t to = std::string_view::npos) {
  if (from > text.size())
    return std::nullopt;
  to = std::min(to, text.size());
  if (to < from)
    return std::nullopt;
  std::match_results<std::string_view::const_iterator> m;
  auto flags =
      from > 0 ? std::regex_constants::match_prev_avail : std::regex_constants::match_default;
  if (!std::regex_search(text.begin() + from, text.begin() + to, m, re, flags))
    return std::nullopt;
  size_t b = from + static_cast<size_t>(m.position(0));
  return Match{line, b, b + static_cast<size_t>(m.length(0))};
}

std::string numbered(const std::vector<std::string_view> &lines) {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i)
    out += fmt::format("{:>4}| {}\n", i + 1, lines[i]);
  return out;
}

} // namespace

std::string_view checkKindName(CheckKind k) {
  switch (k) {
  case CheckKind::Check: return "CHECK";
  case CheckKind::Next: return "CHECK-NEXT";
  case CheckKind::Same: return "CHECK-SAME";
  case CheckKind::Not: return "CHECK-NOT";
  case CheckKind::Label: return "CHECK-LABEL";
  }
  return "?";
}

std::vector<CheckDirective> parseCheckDirectives(std::string_view source, int firstLine) {
  std::vector<CheckDirective> out;
  bool sawPositive = false;
  std::vector<std::string_view> lines = splitLines(source);
  for (size_t i = 0; i < lines.size(); ++i) {
    int lineNo = firstLine + static_cast<int>(i);
    std::string_view s = trim(lines[i]);
    if (!s.starts_with("//"))
      continue;
    s = trim(s.substr(2));
    if (!s.starts_with("CHECK") || (s.size() > 5 && s[5] != ':' && s[5] != '-' && s[5] != ' '))
      continue; // prose such as "CHECKS"
    size_t colon = s.find(':');
    if (colon == std::string_view::npos)
      throw std::invalid_argument(fmt::format("line {}: CHECK directive without ':'", lineNo));
    std::string_view head = s.substr(0, colon);
    std::optional<CheckKind> kind;
    for (CheckKind k :
         {CheckKind::Check, CheckKind::Next, CheckKind::Same, CheckKind::Not, CheckKind::Label})
      if (head == checkKindName(k))
        kind = k;
    if (!kind)
      throw std::invalid_argument(fmt::format("line {}: unknown directive '{}'", lineNo, head));
    std::string pattern(trim(s.substr(colon + 1)));
    if (pattern.empty())
      throw std::invalid_argument(
          fmt::format("line {}: empty pattern after {}:", lineNo, checkKindName(*kind)));
    try {
      compilePattern(pattern);
    } catch (const std::exception &e) {
      throw std::invalid_argument(fmt::format("line {}: bad pattern: {}", lineNo, e.what()));
    }
    if ((*kind == CheckKind::Next || *kind == CheckKind::Same) && !sawPositive)
      throw std::invalid_argument(fmt::format("line {}: {} needs a positive match before it",
                                              lineNo, checkKindName(*kind)));
    sawPositive |= *kind != CheckKind::Not;
    out.push_back({*kind, std::move(pattern), lineNo});
  }
  return out;
}

std::string fileCheck(std::string_view output, const std::vector<CheckDirective> &checks) {
  std::vector<std::string_view> lines = splitLines(output);
  size_t curLine = 0, curCol = 0; // where the next search starts
  std::optional<size_t> prevLine; // line of the previous positive match
  std::vector<const CheckDirective *> pendingNots;

  auto fail = [&](const CheckDirective &d, std::string_view why) {
    return fmt::format("{}: {}: '{}' {}\n(search started at output line {})\n--- output ---\n{}"
                       "--- end of output ---",
                       d.line, checkKindName(d.kind), d.pattern, why, curLine + 1, numbered(lines));
  };
  // CHECK-NOTs must not match in [cur, (line, col)).
  auto checkNots = [&](size_t endLine, size_t endCol) -> std::string {
    for (const CheckDirective *d : pendingNots) {
      std::regex re = compilePattern(d->pattern);
      for (size_t l = curLine; l < lines.size() && l <= endLine; ++l) {
        size_t from = l == curLine ? curCol : 0;
        size_t to = l == endLine ? endCol : std::string_view::npos;
        if (auto m = matchInLine(re, lines[l], l, from, to))
          return fail(*d,
                      fmt::format("excluded, but found on output line {}: {}", l + 1, lines[l]));
      }
    }
    pendingNots.clear();
    return {};
  };

  for (const CheckDirective &d : checks) {
    if (d.kind == CheckKind::Not) {
      pendingNots.push_back(&d);
      continue;
    }
    std::regex re = compilePattern(d.pattern);
    std::optional<Match> found;
    if (d.kind == CheckKind::Same) {
      found = matchInLine(re, lines.at(*prevLine), *prevLine, curCol);
      if (!found)
        return fail(d, "not found on the same line as the previous match");
    } else {
      for (size_t l = curLine; l < lines.size() && !found; ++l)
        found = matchInLine(re, lines[l], l, l == curLine ? curCol : 0);
      if (!found)
        return fail(d, "not found");
      if (d.kind == CheckKind::Next && found->line != *prevLine + 1)
        return fail(d, found->line == *prevLine
                           ? "found on the same line as the previous match, not the next"
                           : fmt::format("found on output line {}, not on the line after "
                                         "the previous match (line {})",
                                         found->line + 1, *prevLine + 1));
    }
    if (std::string err = checkNots(found->line, found->begin); !err.empty())
      return err;
    curLine = found->line;
    curCol = found->end;
    prevLine = found->line;
  }
  return checkNots(lines.empty() ? 0 : lines.size() - 1, std::string_view::npos);
}

} // namespace duet::test
