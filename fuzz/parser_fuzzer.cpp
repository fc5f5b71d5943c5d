//===- fuzz/parser_fuzzer.cpp - libFuzzer target: the graph text form -----===//
//
// Any input either parses or throws duet::ParseError; anything else (another
// exception, a crash, a sanitizer report, a hang) is a bug. A graph that
// parses must print to text that parses back to the same text.
//
#include "ir/error.h"
#include "ir/graph.h"
#include "ir/parser.h"
#include "ir/printer.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  std::unique_ptr<duet::Graph> g;
  try {
    g = duet::parseGraph(text, "fuzz.duet");
  } catch (const duet::ParseError &) {
    return 0;
  }
  const std::string printed = duet::printGraph(*g);
  std::string reprinted;
  try {
    reprinted = duet::printGraph(*duet::parseGraph(printed, "printed.duet"));
  } catch (const duet::Error &e) {
    std::fprintf(stderr, "printed graph does not parse: %s\n%s\n", e.what(), printed.c_str());
    std::abort();
  }
  if (reprinted != printed) {
    std::fprintf(stderr, "round trip differs:\n%s\n---\n%s\n", printed.c_str(), reprinted.c_str());
    std::abort();
  }
  return 0;
}
