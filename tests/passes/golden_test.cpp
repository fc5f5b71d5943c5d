//===- tests/passes/golden_test.cpp - lit-style .graph pass tests ----------===//
//
// Every tests/passes/*.graph file is split at `// -----` lines into cases;
// each case is one test named <file>_<index>. A case holds:
//   // RUN: <pipeline> [--print-after=<pass>|*] [--expect-error] [--no-verify]
//   the input graph (text form; `//` comments are ignored by the parser)
//   // CHECK...: directives (filecheck.h)
// The checked text is: the print-after dumps (if asked), then the final graph,
// then one line per pass `pass <name>: changed|unchanged`. With
// --expect-error the text is `error: <message>` and the run must throw.
//
#include "filecheck.h"

#include "ir/error.h"
#include "ir/graph.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "passes/pass_manager.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

namespace duet {
namespace {

namespace fs = std::filesystem;

struct GoldenCase {
  std::string file;  // e.g. "dce.graph"
  int index = 0;     // position in the file
  int firstLine = 1; // of the case in the file
  std::string text;
};

std::string goldenDir() { return std::string(DUET_SOURCE_DIR) + "/tests/passes"; }

std::vector<GoldenCase> loadCases() {
  std::vector<GoldenCase> cases;
  std::vector<fs::path> files;
  for (const auto &entry : fs::directory_iterator(goldenDir()))
    if (entry.path().extension() == ".graph")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end()); // deterministic test order
  for (const fs::path &path : files) {
    std::ifstream in(path);
    GoldenCase cur{path.filename().string(), 0, 1, ""};
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
      ++lineNo;
      if (line.starts_with("// -----")) {
        cases.push_back(cur);
        cur = GoldenCase{cur.file, cur.index + 1, lineNo + 1, ""};
        continue;
      }
      cur.text += line + "\n";
    }
    cases.push_back(cur);
  }
  return cases;
}

struct RunLine {
  std::string pipeline;
  std::string printAfter;
  bool expectError = false;
  bool verify = true;
};

RunLine parseRunLine(const GoldenCase &c) {
  std::istringstream lines(c.text);
  std::string line;
  std::optional<RunLine> run;
  while (std::getline(lines, line)) {
    size_t at = line.find("// RUN:");
    if (at == std::string::npos)
      continue;
    if (run)
      throw std::runtime_error("more than one RUN line");
    run.emplace();
    std::istringstream words(line.substr(at + 7));
    std::string word;
    while (words >> word) {
      if (word.starts_with("--print-after="))
        run->printAfter = word.substr(14);
      else if (word == "--expect-error")
        run->expectError = true;
      else if (word == "--no-verify")
        run->verify = false;
      else if (word.starts_with("--"))
        throw std::runtime_error("unknown RUN option " + word);
      else if (run->pipeline.empty())
        run->pipeline = word;
      else
        throw std::runtime_error("RUN: pipeline must be one comma-separated word: " + word);
    }
  }
  if (!run)
    throw std::runtime_error("case has no '// RUN:' line");
  return *run;
}

/// What the CHECK lines are matched against.
std::string runCase(const GoldenCase &c, const RunLine &run) {
  std::string out;
  try {
    // Pad so parse errors report lines of the .graph file itself.
    std::string text = std::string(static_cast<size_t>(c.firstLine - 1), '\n') + c.text;
    std::unique_ptr<Graph> g = parseGraph(text, c.file);
    PassManager pm;
    addPipeline(pm, run.pipeline);
    pm.setVerify(run.verify);
    if (!run.printAfter.empty())
      pm.setPrintAfter(run.printAfter, [&](const std::string &dump) { out += dump; });
    pm.run(*g);
    out += printGraph(*g);
    for (const PassTiming &t : pm.timings())
      out += fmt::format("pass {}: {}\n", t.pass, t.changed ? "changed" : "unchanged");
    if (run.expectError)
      out = "unexpectedly succeeded:\n" + out;
  } catch (const Error &e) {
    if (!run.expectError)
      throw;
    out += fmt::format("error: {}\n", e.what());
  }
  return out;
}

void PrintTo(const GoldenCase &c, std::ostream *os) {
  *os << c.file << " case " << c.index << " (line " << c.firstLine << ")";
}

class GoldenTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenTest, Matches) {
  const GoldenCase &c = GetParam();
  SCOPED_TRACE(fmt::format("{}/{}:{}", goldenDir(), c.file, c.firstLine));
  RunLine run = parseRunLine(c);
  std::vector<test::CheckDirective> checks = test::parseCheckDirectives(c.text, c.firstLine);
  ASSERT_FALSE(checks.empty()) << "case has no CHECK lines";
  std::string output;
  try {
    output = runCase(c, run);
  } catch (const Error &e) {
    FAIL() << "RUN " << run.pipeline << " threw: " << e.what();
  }
  std::string failure = test::fileCheck(output, checks);
  EXPECT_TRUE(failure.empty()) << goldenDir() << "/" << c.file << ":" << failure;
}

std::string caseName(const ::testing::TestParamInfo<GoldenCase> &info) {
  std::string stem = fs::path(info.param.file).stem().string();
  std::replace_if(
      stem.begin(), stem.end(), [](char ch) { return !std::isalnum(ch); }, '_');
  return fmt::format("{}_{}", stem, info.param.index);
}

INSTANTIATE_TEST_SUITE_P(Passes, GoldenTest, ::testing::ValuesIn(loadCases()), caseName);

/// The discovery itself must find the files (a typo in the path would
/// otherwise silently run zero golden tests).
TEST(GoldenFiles, AreFound) {
  std::vector<GoldenCase> cases = loadCases();
  for (std::string_view want : {"dce.graph", "cse.graph", "constant_fold.graph",
                                "infer_shapes.graph", "pass_manager.graph"})
    EXPECT_TRUE(std::any_of(cases.begin(), cases.end(), [&](const GoldenCase &c) {
      return c.file == want;
    })) << want;
}

} // namespace
} // namespace duet
