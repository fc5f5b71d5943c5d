//===- tests/ir/parser_fuzz_test.cpp - mutated inputs never crash the parser ===//
//
// A small deterministic mutation fuzzer over the example graphs: every input
// either parses (and then round-trips) or raises a ParseError; nothing else.
// Run under the sanitizer build it also catches memory errors.
//
#include "ir/error.h"
#include "ir/graph.h"
#include "ir/parser.h"
#include "ir/printer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

namespace duet {
namespace {

std::string readExample(const char *name) {
  std::ifstream in(std::string(DUET_SOURCE_DIR "/examples/") + name);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ParserFuzz, MutatedExamplesParseOrFailCleanly) {
  std::vector<std::string> seeds = {readExample("mlp.duet"), readExample("cnn.duet"),
                                    readExample("transformer_block.duet")};
  const char *fragments[] = {"%",  "(",    ")",   "{",   "}",     "[",    "]",        ",",
                             ":",  "=",    "@",   "-",   "1e",    "\"",   "//",       "\n",
                             "0",  "-1",   "inf", "nan", "f64",   "i64",  "bool",     "torch",
                             "[]", "add(", "%0",  " ",   "@pure", ":7",   "constant", "1.5"};
  std::mt19937 rng(1234);
  int parsed = 0, rejected = 0;
  for (int it = 0; it < 3000; ++it) {
    std::string s = seeds[rng() % seeds.size()];
    for (int m = 0, n = 1 + rng() % 4; m < n; ++m) {
      size_t pos = rng() % (s.size() + 1);
      switch (rng() % 4) {
      case 0: s.erase(std::min(pos, s.size()), 1 + rng() % 5); break;
      case 1: s.insert(pos, fragments[rng() % std::size(fragments)]); break;
      case 2:
        if (pos < s.size())
          s[pos] = static_cast<char>(rng() % 256);
        break;
      default: s.insert(pos, s.substr(rng() % s.size(), rng() % 20)); break;
      }
    }
    try {
      auto g = parseGraph(s);
      std::string printed = printGraph(*g);
      ASSERT_EQ(printGraph(*parseGraph(printed)), printed) << "input:\n" << s;
      ++parsed;
    } catch (const ParseError &) {
      ++rejected;
    } catch (const std::exception &e) {
      FAIL() << "not a ParseError: " << e.what() << "\ninput:\n" << s;
    }
  }
  EXPECT_GT(parsed, 0);
  EXPECT_GT(rejected, 0);
}

} // namespace
} // namespace duet
