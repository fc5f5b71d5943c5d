//===- tests/tools/dump_json_test.cpp - `duet dump --format json` ---------===//
#include "dump_test_util.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <regex>
#include <set>

namespace duet {
namespace {

using dumptest::duet;
using dumptest::example;
using dumptest::Scratch;
using Json = nlohmann::json;

Json dumpMlp(const std::string &extra = "") {
  Scratch s;
  std::string profile = s.write("p.json", dumptest::flatProfile(1e-3, 1e-4));
  auto r = duet("dump " + example("mlp.duet") + " --no-fuse --format json --profile " + profile +
                " " + extra);
  EXPECT_EQ(r.code, 0) << r.err;
  return Json::parse(r.out);
}

/// Every `name` in backticks in docs/dump-format.md.
std::set<std::string> documentedFields() {
  std::string doc = dumptest::slurp(std::string(DUET_SOURCE_DIR) + "/docs/dump-format.md");
  std::set<std::string> out;
  std::regex field("`([a-z_]+)`");
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), field); it != std::sregex_iterator();
       ++it)
    out.insert((*it)[1]);
  return out;
}

void collectKeys(const Json &j, const std::string &path, std::set<std::string> &keys) {
  if (j.is_array()) {
    for (const Json &e : j)
      collectKeys(e, path + "[]", keys);
    return;
  }
  if (!j.is_object())
    return;
  for (const auto &[k, v] : j.items()) {
    keys.insert(k);
    // Keys of these maps are labels and op names, not fields.
    if (k != "assignments" && k != "thresholds")
      collectKeys(v, path + "." + k, keys);
  }
}

TEST(DumpJson, HasTheDocumentedVersionedSchema) {
  DUET_REQUIRE_TORCH();
  Json d = dumpMlp("--mode auto --explain");
  EXPECT_EQ(d.at("format"), "duet-dump");
  EXPECT_EQ(d.at("version"), 1);
  EXPECT_EQ(d.at("graph"), "mlp");
  EXPECT_EQ(d.at("stage"), "fuse-elementwise"); // the last plan pass
  EXPECT_EQ(d.at("complete"), true);
  EXPECT_EQ(d.at("settings").at("mode"), "auto");

  std::set<std::string> keys;
  collectKeys(d, "", keys);
  std::set<std::string> documented = documentedFields();
  for (const std::string &k : keys)
    EXPECT_TRUE(documented.count(k)) << "field '" << k << "' is not in docs/dump-format.md";
  // And the documented node/edge fields are all present on every element.
  for (const Json &n : d.at("nodes"))
    for (const char *f :
         {"id", "index", "op", "kind", "name", "type", "dtype", "shape", "bytes", "inputs",
          "output", "backend", "region", "estimate", "reason", "partition", "moved_by_merge"})
      EXPECT_TRUE(n.contains(f)) << f << " missing in " << n.dump();
  for (const Json &e : d.at("edges"))
    for (const char *f : {"from", "to", "operand", "type", "bytes", "boundary"})
      EXPECT_TRUE(e.contains(f)) << f;
  EXPECT_TRUE(d.at("explain").is_array());
}

TEST(DumpJson, NodesEdgesRegionsAndAssignmentsDescribeThePlan) {
  DUET_REQUIRE_TORCH();
  Json d = dumpMlp("--mode auto");
  const Json &nodes = d.at("nodes");
  ASSERT_EQ(nodes.size(), 16u); // 5 sources, 5 compute, 6 conversions
  int sources = 0, compute = 0, conversions = 0, uses = 0;
  for (const Json &n : nodes) {
    std::string kind = n.at("kind");
    sources += kind == "source";
    compute += kind == "compute";
    conversions += kind == "conversion";
    uses += static_cast<int>(n.at("inputs").size());
    if (n.at("op") == "matmul") {
      EXPECT_EQ(n.at("backend"), "torch");
      EXPECT_DOUBLE_EQ(n.at("estimate").at("pure_s").get<double>(), 1e-3);
      EXPECT_DOUBLE_EQ(n.at("estimate").at("torch_s").get<double>(), 1e-4);
      EXPECT_DOUBLE_EQ(n.at("estimate").at("chosen_s").get<double>(), 1e-4);
      EXPECT_EQ(d.at("assignments").at(n.at("id").get<std::string>()),
                "torch:" + std::to_string(n.at("region").get<int>()));
    }
    if (n.at("op") == "relu") {
      EXPECT_EQ(n.at("backend"), "pure");
      EXPECT_TRUE(n.at("region").is_null());
      EXPECT_EQ(n.at("reason"), "estimate pure 1.0us <= torch 1.0s");
    }
  }
  EXPECT_EQ(sources, 5);
  EXPECT_EQ(compute, 5);
  EXPECT_EQ(conversions, 6);
  EXPECT_EQ(d.at("edges").size(), static_cast<size_t>(uses));
  int boundary = 0;
  for (const Json &e : d.at("edges"))
    boundary += e.at("boundary").get<bool>();
  EXPECT_EQ(boundary, 6);

  const Json &regions = d.at("regions");
  ASSERT_EQ(regions.size(), 2u);
  EXPECT_EQ(regions[0].at("inputs"), Json({"%x", "%w1"}));
  EXPECT_EQ(regions[0].at("compute_nodes"), 1);
  EXPECT_EQ(regions[0].at("conversions"), 3);
  EXPECT_EQ(regions[0].at("converted_bytes"), (32 * 784 + 784 * 256 + 32 * 256) * 4);
  // matmul 100us + 3 conversions of 1us + launch 1us.
  EXPECT_NEAR(regions[0].at("estimate_s").get<double>(), 104e-6, 1e-12);
  EXPECT_EQ(d.at("outputs").size(), 1u);
}

TEST(DumpJson, SummaryTotalsAreConsistentAndMatchHandCounts) {
  DUET_REQUIRE_TORCH();
  Json d = dumpMlp("--mode auto");
  const Json &s = d.at("summary");
  for (const char *plan : {"this_plan", "all_pure", "all_torch"}) {
    const Json &p = s.at(plan);
    double parts = p.at("pure_s").get<double>() + p.at("torch_s").get<double>() +
                   p.at("launch_s").get<double>() + p.at("conversion_s").get<double>();
    EXPECT_NEAR(p.at("total_s").get<double>(), parts, 1e-12) << plan;
  }
  // The chosen plan's per-backend sums are the sums of its nodes.
  double pure = 0, torch = 0;
  for (const Json &n : d.at("nodes"))
    if (n.at("kind") == "compute")
      (n.at("backend") == "torch" ? torch : pure) += n.at("estimate").at("chosen_s").get<double>();
  EXPECT_NEAR(s.at("this_plan").at("pure_s").get<double>(), pure, 1e-12);
  EXPECT_NEAR(s.at("this_plan").at("torch_s").get<double>(), torch, 1e-12);
  EXPECT_NEAR(s.at("this_plan").at("total_s").get<double>(), 211e-6, 1e-12);
  EXPECT_NEAR(s.at("all_pure").at("total_s").get<double>(), 2.003e-3, 1e-12);
  EXPECT_NEAR(s.at("all_torch").at("total_s").get<double>(), 3.000207, 1e-9);
  EXPECT_EQ(s.at("all_torch").at("regions"), 1);
  EXPECT_EQ(s.at("all_torch").at("conversions"), 6); // 5 operands in, 1 result out

  Json pureMode = dumpMlp("--mode pure");
  EXPECT_EQ(pureMode.at("summary").at("this_plan"), pureMode.at("summary").at("all_pure"));
  EXPECT_EQ(pureMode.at("regions").size(), 0u);
}

TEST(DumpJson, AfterAPassIsMarkedIncomplete) {
  DUET_REQUIRE_TORCH();
  Json d = dumpMlp("--mode auto --after cse");
  EXPECT_EQ(d.at("stage"), "cse");
  EXPECT_EQ(d.at("complete"), false);
  for (const Json &n : d.at("nodes")) {
    EXPECT_TRUE(n.at("partition").is_null());
    if (n.at("kind") == "compute") {
      EXPECT_EQ(n.at("backend"), "unassigned");
    }
  }
}

} // namespace
} // namespace duet
