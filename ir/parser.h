//===- ir/parser.h - reading the text form ----------------------*- C++ -*-===//
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace duet {

class Graph;

/// Parses one graph in the text form of ir/printer.h. `file` is used only in
/// messages. Throws duet::ParseError with line/column and what was expected
/// ("expected ':' after value name"), unknown ops, undefined or redefined
/// values, bad attributes and type mismatches included. The result is
/// verified (ir/verifier.h), and declared types must match the inferred ones.
std::unique_ptr<Graph> parseGraph(std::string_view text, const std::string &file = "<input>");
/// Reads and parses a file; a missing file is a duet::Error naming it.
std::unique_ptr<Graph> parseGraphFile(const std::string &path);

/// Graph text longer than this is rejected before it is read or lexed
/// (ParseError at 1:1): no real graph comes near it, and it bounds the
/// memory and time a hostile file can take. Nesting is bounded by the
/// grammar itself (attribute lists do not nest; ranks are at most 64).
inline constexpr size_t kMaxGraphTextBytes = size_t(256) << 20;

} // namespace duet
