//===- ir/error.h - the one error type users see ---------------*- C++ -*-===//
#pragma once

#include <stdexcept>
#include <string>

namespace duet {

/// Every user-facing failure (bad input, shape mismatch, unsupported op, ...)
/// is a duet::Error whose what() is a complete, human-readable message that
/// names the problem and where it happened. Internal invariant violations use
/// assertions instead.
class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// An invalid option or flag value (an unknown pass for --print-after, a
/// malformed --threshold, flags that contradict each other): the `duet`
/// program exits 2 for these, as for any usage error.
class OptionError : public Error {
public:
  using Error::Error;
};

/// A parse error carries its location so tools can print `file:line:col`.
class ParseError : public Error {
public:
  ParseError(std::string file, int line, int col, std::string message);
  const std::string &file() const { return file_; }
  int line() const { return line_; }
  int col() const { return col_; }
  /// The message without the location prefix.
  const std::string &message() const { return message_; }

private:
  std::string file_;
  int line_, col_;
  std::string message_;
};

} // namespace duet
