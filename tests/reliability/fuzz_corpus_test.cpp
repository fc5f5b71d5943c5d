//===- tests/reliability/fuzz_corpus_test.cpp - the fuzz seeds, in the suite ===//
//
// Replays every file of fuzz/corpus/<target>/ through the same checks as the
// libFuzzer targets, so the inputs that once crashed a reader (saved there
// as crash_*) stay fixed in every build, sanitizer build included, without
// clang or libFuzzer.
//
#include "reliability_util.h"

#include "backends/npy.h"
#include "frontend/nn/checkpoint.h"
#include "ir/graph.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "passes/cost_profile.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

namespace duet::reliability {
namespace {

std::vector<std::filesystem::path> corpus(const std::string &target) {
  std::vector<std::filesystem::path> files;
  for (const auto &e :
       std::filesystem::directory_iterator(DUET_SOURCE_DIR "/fuzz/corpus/" + target))
    files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

/// Counts of inputs accepted and rejected (with a duet::Error).
struct Outcome {
  int accepted = 0, rejected = 0;
};

TEST(FuzzCorpus, Parser) {
  Outcome o;
  for (const auto &path : corpus("parser")) {
    SCOPED_TRACE(path.string());
    const std::string text = readFile(path);
    try {
      auto g = parseGraph(text, path.filename());
      const std::string printed = printGraph(*g);
      EXPECT_EQ(printGraph(*parseGraph(printed)), printed);
      ++o.accepted;
    } catch (const ParseError &) {
      ++o.rejected;
    } catch (const std::exception &e) {
      ADD_FAILURE() << "not a ParseError: " << e.what();
    }
  }
  // The seeds are chosen to have both kinds: the examples parse, the bad_* fail.
  EXPECT_GE(o.accepted, 4);
  EXPECT_GE(o.rejected, 3);
}

TEST(FuzzCorpus, Npy) {
  Outcome o;
  for (const auto &path : corpus("npy")) {
    SCOPED_TRACE(path.string());
    const std::string bytes = readFile(path);
    try {
      Buffer b = parseNpy(std::span(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()),
                          path.filename());
      EXPECT_EQ(b.numel(), numel(b.shape()));
      ++o.accepted;
    } catch (const Error &) {
      ++o.rejected;
    } catch (const std::exception &e) {
      ADD_FAILURE() << "not a duet::Error: " << e.what();
    }
  }
  EXPECT_GE(o.accepted, 7);
  EXPECT_GE(o.rejected, 6);
}

TEST(FuzzCorpus, CostProfile) {
  Outcome o;
  for (const auto &path : corpus("cost_profile")) {
    SCOPED_TRACE(path.string());
    const std::string text = readFile(path);
    try {
      CostProfile p = CostProfile::fromJson(text, path.filename());
      EXPECT_EQ(CostProfile::fromJson(p.toJson()), p);
      ++o.accepted;
    } catch (const Error &) {
      ++o.rejected;
    } catch (const std::exception &e) {
      ADD_FAILURE() << "not a duet::Error: " << e.what();
    }
  }
  EXPECT_GE(o.accepted, 2);
  EXPECT_GE(o.rejected, 4);
}

TEST(FuzzCorpus, Checkpoint) {
  Outcome o;
  for (const auto &path : corpus("checkpoint")) {
    SCOPED_TRACE(path.string());
    const std::string bytes = readFile(path);
    try {
      ParamStore p = nn::parseSafetensors(
          std::span(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()),
          path.filename());
      ParamStore again = nn::parseSafetensors(nn::encodeSafetensors(p), "roundtrip");
      ASSERT_EQ(again.size(), p.size());
      for (const auto &[name, b] : p) {
        ASSERT_TRUE(again.count(name)) << name;
        EXPECT_EQ(again.at(name).shape(), b.shape()) << name;
        EXPECT_EQ(again.at(name).dtype(), b.dtype()) << name;
        EXPECT_EQ(b.numel(), numel(b.shape())) << name;
        if (b.nbytes()) {
          EXPECT_EQ(std::memcmp(again.at(name).raw(), b.raw(), b.nbytes()), 0) << name;
        }
      }
      ++o.accepted;
    } catch (const Error &) {
      ++o.rejected;
    } catch (const std::exception &e) {
      ADD_FAILURE() << "not a duet::Error: " << e.what();
    }
  }
  EXPECT_GE(o.accepted, 4);
  EXPECT_GE(o.rejected, 6);
}

// Found by fuzz_cost_profile in its first seconds: nlohmann::json throws
// out_of_range (not parse_error) for a number that overflows a double, and
// it escaped CostProfile::fromJson as a non-duet exception.
TEST(FuzzRegressions, CostProfileNumberOverflow) {
  const std::string text =
      readFile(DUET_SOURCE_DIR "/fuzz/corpus/cost_profile/crash_number_overflow.json");
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(errorOf([&] { CostProfile::fromJson(text, "p.json"); }),
            "p.json: not valid JSON: [json.exception.out_of_range.406] number overflow parsing "
            "'1e999'");
}

} // namespace
} // namespace duet::reliability
