//===- passes/inspect/dump.cpp - `duet dump` from C++ ---------------------===//
#include "passes/inspect/dump.h"

#include "backends/torch_backend.h"
#include "ir/error.h"
#include "ir/value_names.h"
#include "passes/inspect/dump_model.h"
#include "passes/inspect/dump_pipeline.h"
#include "passes/partition.h"
#include "passes/plan_estimate.h"

namespace duet {

using namespace inspect;

namespace {

PartitionOptions withTorch(PartitionOptions opts) {
  if (!opts.torchSupports)
    if (TorchBackend *torch = torchBackend())
      opts.torchSupports = [torch](const Node &n, std::string *whyNot) {
        return torch->supports(n, whyNot);
      };
  return opts;
}

DumpData makeData(const Graph &input, const Graph &shown, const PartitionOptions &opts,
                  std::vector<NodeSnapshot> afterPartition, bool explain) {
  DumpData d;
  d.graph = &shown;
  d.stage = "insert-conversions";
  d.mode = opts.mode;
  d.profile = &profileOf(opts);
  d.profileName = opts.profile ? "given profile" : "shipped defaults";
  d.thresholds = opts.thresholds;
  d.labels = valueLabels(shown);
  d.afterPartition = std::move(afterPartition);
  d.explain = explain;
  d.chosen = estimatePlan(shown, *d.profile);
  d.allPure = estimateForMode(input, opts, Mode::Pure);
  if (opts.torchSupports)
    d.allTorch = estimateForMode(input, opts, Mode::Torch);
  return d;
}

std::string joinLines(const std::vector<std::string> &lines) {
  std::string out;
  for (const std::string &l : lines)
    out += l + "\n";
  return out;
}

} // namespace

std::optional<DumpFormat> parseDumpFormat(std::string_view s) {
  if (s == "text") return DumpFormat::Text;
  if (s == "dot") return DumpFormat::Dot;
  if (s == "json") return DumpFormat::Json;
  if (s == "svg") return DumpFormat::Svg;
  if (s == "png") return DumpFormat::Png;
  return std::nullopt;
}

std::string dumpGraph(const Graph &g, DumpFormat format, const PartitionOptions &given,
                      bool explain) {
  PartitionOptions opts = withTorch(given);
  StageRun run = runStages(g, opts, "");
  DumpData d = makeData(g, *run.graph, opts, std::move(run.afterPartition), explain);
  switch (format) {
  case DumpFormat::Text: return emitText(d);
  case DumpFormat::Json: return emitJson(d);
  case DumpFormat::Dot:
  case DumpFormat::Svg:
  case DumpFormat::Png: {
    DotOptions dot;
    dot.collapse = run.graph->size() > kAutoCollapseNodes;
    std::string source = emitDot(d, dot);
    if (format == DumpFormat::Dot)
      return source;
    return renderDotToString(source, format == DumpFormat::Svg ? "svg" : "png");
  }
  }
  throw Error("dumpGraph: unknown format");
}

std::string explainGraph(const Graph &g, const PartitionOptions &given) {
  PartitionOptions opts = withTorch(given);
  StageRun run = runStages(g, opts, "");
  DumpData d = makeData(g, *run.graph, opts, std::move(run.afterPartition), true);
  return joinLines(explainLines(d)) + joinLines(summaryLines(d));
}

std::string explainPartitioned(const Graph &partitioned, const PartitionOptions &given) {
  PartitionOptions opts = withTorch(given);
  std::unique_ptr<Graph> input = partitioned.clone();
  stripConversions(*input);
  DumpData d = makeData(*input, partitioned, opts, {}, true);
  return joinLines(explainLines(d)) + joinLines(summaryLines(d));
}

} // namespace duet
