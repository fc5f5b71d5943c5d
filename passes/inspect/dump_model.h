//===- passes/inspect/dump_model.h - what `duet dump` shows, and its emitters -*- C++ -*-===//
//
// `duet dump` runs the plan passes once (passes/inspect/dump_pipeline.cpp), gathers
// everything a view needs in a DumpData, and hands it to one emitter per
// format: text (dump_text.cpp), Graphviz DOT (dump_dot.cpp), JSON
// (dump_json.cpp). Explanations (dump_explain.cpp), the summary table
// (dump_summary.cpp) and the what-if diff (dump_diff.cpp) are shared.
//
#pragma once

#include "ir/graph.h"
#include "passes/mode.h"
#include "passes/plan_estimate.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace duet {
class CostProfile;
} // namespace duet

namespace duet::inspect {

/// A node as one pass left it (indexed by NodeId in the vectors below).
struct NodeSnapshot {
  bool valid = false; // the node existed and the pass ran
  Backend backend = Backend::Unassigned;
  int region = -1;
  std::string reason;
};

struct DumpData {
  const Graph *graph = nullptr; // the graph shown (after `stage`)
  std::string stage;            // the last pass run
  bool complete = true;         // every plan pass ran (not stopped by --after)
  Mode mode = Mode::Pure;
  const CostProfile *profile = nullptr;
  std::string profileName;                  // "shipped defaults" or the file
  std::map<std::string, double> thresholds; // given with --threshold
  std::vector<std::string> labels;          // printer labels, by NodeId
  std::vector<NodeSnapshot> afterPartition; // empty when partition did not run
  PlanEstimate chosen, allPure;
  std::optional<PlanEstimate> allTorch; // absent without a torch backend
  bool explain = false;
  bool withSummary = true; // false for the intermediate stages of --print-after-all

  const std::string &label(const Node &n) const { return labels.at(n.id()); }
  double pureSeconds(const Node &n) const;
  double torchSeconds(const Node &n) const;
  /// Estimate on the backend the node is assigned (pure when unassigned).
  double chosenSeconds(const Node &n) const;
  /// "mode auto, profile shipped defaults, thresholds matmul=1000"
  std::string settings() const;
};

bool isConversionNode(const Node &n);
/// Unary, binary, comparison and ternary ops: what long chains are made of.
bool isElementwiseNode(const Node &n);
/// "torch:0", "torch", "pure", "unassigned".
std::string placement(const Node &n);
/// Thresholds as the user writes them: "matmul=1000, conv2d=5e+06".
std::string formatThresholds(const std::map<std::string, double> &t);

/// The summary table (no trailing newline on the last line), columns: this
/// plan, all-pure, all-torch.
std::vector<std::string> summaryLines(const DumpData &d);
/// One column per plan; `names` and `plans` are parallel.
std::vector<std::string> summaryTable(const std::vector<std::string> &names,
                                      const std::vector<const PlanEstimate *> &plans);

/// Why each compute and conversion node went where it is (one entry per
/// line, no comment markers).
std::vector<std::string> explainLines(const DumpData &d);
/// One-line reason of a node for labels and JSON: the decision, and the
/// merge step when it moved the node.
std::string shortReason(const DumpData &d, const Node &n);
/// The partition pass's decision when merge-regions changed the backend.
std::optional<NodeSnapshot> movedByMerge(const DumpData &d, const Node &n);

/// The text form with `//` comments; parses back with parseGraph.
std::string emitText(const DumpData &d);
struct DotOptions {
  bool collapse = false; // collapse elementwise chains of >= kMinChain nodes
};
inline constexpr size_t kMinChain = 3;
/// Above this many nodes the DOT view collapses chains unless told not to.
inline constexpr size_t kAutoCollapseNodes = 80;
std::string emitDot(const DumpData &d, const DotOptions &opts);
std::string emitJson(const DumpData &d);
/// Renders DOT text with Graphviz's `dot -T<format>` into `outPath` (stdout
/// when empty). Throws duet::Error when `dot` is not on PATH or fails.
void renderDot(const std::string &dot, const std::string &format, const std::string &outPath);
/// The same, returning the rendered bytes.
std::string renderDotToString(const std::string &dot, const std::string &format);

} // namespace duet::inspect
