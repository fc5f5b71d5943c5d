//===- passes/inspect/dump_text.cpp - the annotated text form ----------------------===//
//
// The printer's text form with `@backend:region` annotations and a `//`
// comment per node (estimates, conversions); the explanation and summary
// follow as comments, so the whole dump parses back as the graph.
//
#include "passes/inspect/dump_model.h"

#include "ir/printer.h"
#include "passes/cost_profile.h"

#include <fmt/format.h>

namespace duet::inspect {

namespace {

std::string nodeComment(const DumpData &d, const Node &n) {
  if (n.isSource())
    return "";
  if (isConversionNode(n)) {
    int64_t bytes = n.type().nbytes();
    const char *dir = n.op() == OpKind::ToTorch ? "into" : "out of";
    std::string region = n.region() >= 0 ? " region " + std::to_string(n.region()) : "";
    return fmt::format("conversion {} torch{}: {}, est. {}", dir, region,
                       formatBytes(static_cast<double>(bytes)),
                       formatSeconds(d.profile->conversionCost(bytes)));
  }
  std::string s = fmt::format("est. pure {}, torch {}", formatSeconds(d.pureSeconds(n)),
                              formatSeconds(d.torchSeconds(n)));
  if (movedByMerge(d, n))
    s += fmt::format("; moved to {} by merge-regions", backendName(n.backend()));
  return s;
}

void appendComments(std::string &out, const std::vector<std::string> &lines) {
  for (const std::string &l : lines)
    out += "// " + l + "\n";
}

} // namespace

std::string emitText(const DumpData &d) {
  std::string out = fmt::format("// duet dump of graph {} after {}: {}\n", d.graph->name(), d.stage,
                                d.settings());
  PrintOptions opts;
  opts.annotations = true;
  opts.comment = [&d](const Node &n) { return nodeComment(d, n); };
  out += printGraph(*d.graph, opts);
  if (!out.empty() && out.back() != '\n')
    out += '\n';
  if (d.explain) {
    out += "//\n";
    appendComments(out, explainLines(d));
  }
  if (d.withSummary) {
    out += "//\n";
    appendComments(out, summaryLines(d));
  }
  return out;
}

} // namespace duet::inspect
