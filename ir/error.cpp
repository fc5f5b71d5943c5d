//===- ir/error.cpp - errors with locations ---------------------------------===//
#include "ir/error.h"

#include <fmt/format.h>

namespace duet {

ParseError::ParseError(std::string file, int line, int col, std::string message)
    : Error(fmt::format("{}:{}:{}: error: {}", file, line, col, message)),
      file_(std::move(file)), line_(line), col_(col), message_(std::move(message)) {}

} // namespace duet
