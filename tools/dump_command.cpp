//===- tools/dump_command.cpp - `duet dump FILE.duet` ---------------------===//
//
// Partitions a graph file as `duet run` would and shows the result as
// annotated text, Graphviz (DOT, SVG, PNG) or JSON, with per-node estimates,
// the reasons of each decision (--explain), a summary table against the
// all-pure and all-torch plans, and a what-if diff (--diff).
//
#include "tools/dump_command.h"

#include "backends/runtime/machine_info.h"
#include "backends/runtime/mode_setting.h"
#include "backends/runtime/profile_env.h"
#include "backends/torch_backend.h"
#include "ir/error.h"
#include "ir/parser.h"
#include "ir/value_names.h"
#include "passes/cost_profile.h"
#include "passes/partition.h"
#include "tools/commands.h"
#include "tools/flag_checks.h"
#include "tools/threshold_flag.h"
#include "passes/inspect/dump_model.h"
#include "passes/inspect/dump_pipeline.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>

namespace duet::cli {

using namespace duet::inspect;

namespace {

/// The settings a dump partitions with, resolved like `duet run` does.
struct Settings {
  PartitionOptions options;
  std::string profileName;
};

Mode resolveMode(const std::string &flag) {
  Mode mode = currentMode();
  if (!flag.empty()) {
    std::optional<Mode> m = parseMode(flag);
    if (!m)
      throw Error("--mode " + flag + ": expected pure, torch or auto");
    mode = *m;
  }
  requireModeAvailable(mode);
  return mode;
}

/// The profile plain runs use (DUET_PROFILE, the default file, or none).
Settings environmentSettings(Mode mode) {
  Settings s;
  s.options.mode = mode;
  s.profileName = "shipped defaults";
  if (mode != Mode::Pure) {
    s.options.profile = profileFromEnvironment();
    if (s.options.profile)
      s.profileName = environmentProfilePath();
  }
  if (TorchBackend *torch = torchBackend())
    s.options.torchSupports = [torch](const Node &n, std::string *whyNot) {
      return torch->supports(n, whyNot);
    };
  return s;
}

std::string settingsText(const Settings &s) {
  std::string text = fmt::format("mode {}, profile {}", modeName(s.options.mode), s.profileName);
  if (!s.options.thresholds.empty())
    text += ", thresholds " + formatThresholds(s.options.thresholds);
  return text;
}

DumpData dumpData(const Graph &input, const Graph &g, const Settings &s, std::string stage,
                  bool complete, std::vector<NodeSnapshot> afterPartition, bool explain,
                  bool withSummary = true) {
  DumpData d;
  d.graph = &g;
  d.stage = std::move(stage);
  d.complete = complete;
  d.mode = s.options.mode;
  d.profile = &profileOf(s.options);
  d.profileName = s.profileName;
  d.thresholds = s.options.thresholds;
  d.labels = valueLabels(g);
  d.afterPartition = std::move(afterPartition);
  d.explain = explain;
  d.withSummary = withSummary;
  if (!withSummary)
    return d; // the single-backend plans cost two more pipeline runs
  d.chosen = estimatePlan(g, *d.profile);
  d.allPure = estimateForMode(input, s.options, Mode::Pure);
  if (s.options.torchSupports)
    d.allTorch = estimateForMode(input, s.options, Mode::Torch);
  return d;
}

void writeOutput(const std::string &text, const std::string &path) {
  if (path.empty() || path == "-") {
    std::cout << text;
    return;
  }
  std::ofstream out(path, std::ios::binary);
  if (!out)
    throw Error("cannot write '" + path + "'");
  out << text;
  if (!out.flush())
    throw Error("error while writing '" + path + "'");
}

/// --format, else the format -o's extension names (.svg, .png, .dot/.gv,
/// .json), else text.
std::string resolveFormat(const DumpOptions &o) {
  if (!o.format.empty())
    return o.format;
  std::string ext = std::filesystem::path(o.output).extension().string();
  if (ext == ".svg" || ext == ".png" || ext == ".dot" || ext == ".json")
    return ext.substr(1);
  if (ext == ".gv")
    return "dot";
  return "text";
}

/// With -o FILE, stdout says what went where.
void reportWritten(const DumpOptions &o, bool formatFromExtension) {
  if (!o.output.empty() && o.output != "-")
    std::cout << fmt::format("wrote {} ({}{})\n", o.output, o.format,
                             formatFromExtension ? ", from the extension" : "");
}

} // namespace

int dumpGraphFile(const DumpOptions &given) {
  DumpOptions o = given;
  o.format = resolveFormat(given);
  std::unique_ptr<Graph> input = parseGraphFile(o.file);
  const bool graphviz = o.format == "dot" || o.format == "svg" || o.format == "png";
  if (o.printAfterAll && o.format != "text")
    throw OptionError(
        "--print-after-all shows every stage as text; use --after PASS with --format " + o.format +
        " to see one stage");
  if (o.collapse && o.noCollapse)
    throw OptionError("--collapse and --no-collapse contradict each other");

  Mode mode = resolveMode(o.mode);
  Settings settings = environmentSettings(mode);
  settings.options.fuseElementwise = !o.noFuse;
  Settings chosen = settings;
  if (!o.profile.empty()) {
    chosen.options.profile = loadProfileChecked(o.profile); // warns if stale
    chosen.profileName = o.profile;
  }
  chosen.options.thresholds = parseThresholds(o.thresholds);
  if (o.minRegionUs >= 0)
    chosen.options.minRegionSeconds = o.minRegionUs * 1e-6;
  if (o.minRegionSaving >= 0)
    chosen.options.minRegionSavingFraction = o.minRegionSaving;

  if (o.diff) {
    if (o.profile.empty() && o.thresholds.empty())
      throw OptionError("--diff compares the default partition with the one --threshold OP=N or "
                        "--profile FILE gives; pass at least one of them");
    if (o.format != "text")
      throw OptionError("--diff prints a text report; drop --format " + o.format);
    writeOutput(diffReport(*input, settings.options, settingsText(settings), chosen.options,
                           settingsText(chosen)),
                o.output);
    reportWritten(o, given.format.empty());
    return 0;
  }

  std::string text;
  std::vector<NodeSnapshot> partitionSnapshot;
  auto afterEach = [&](std::string_view pass, const Graph &g) {
    if (pass == "partition") {
      partitionSnapshot.assign(g.idBound(), {});
      for (const Node *n : g.nodes())
        partitionSnapshot[n->id()] = {true, n->backend(), n->region(), n->reason()};
    }
    if (!o.printAfterAll)
      return;
    DumpData d =
        dumpData(*input, g, chosen, std::string(pass), false, partitionSnapshot, false, false);
    text += fmt::format("// *** IR Dump After {} ***\n", pass) + emitText(d) + "\n";
  };
  StageRun run = runStages(*input, chosen.options, o.after, afterEach);
  DumpData d = dumpData(*input, *run.graph, chosen, run.lastPass, run.complete,
                        std::move(run.afterPartition), o.explain);

  if (o.format == "text") {
    writeOutput(text + emitText(d), o.output);
  } else if (o.format == "json") {
    writeOutput(emitJson(d), o.output);
  } else if (graphviz) {
    DotOptions dot;
    dot.collapse = o.collapse || (!o.noCollapse && run.graph->size() > kAutoCollapseNodes);
    std::string source = emitDot(d, dot);
    if (o.format == "dot")
      writeOutput(source, o.output);
    else
      renderDot(source, o.format, o.output == "-" ? "" : o.output);
  } else {
    throw OptionError("--format " + o.format + ": expected text, dot, json, svg or png");
  }
  reportWritten(o, given.format.empty());
  return 0;
}

void addDumpCommand(CLI::App &app) {
  auto opts = std::make_shared<DumpOptions>();
  CLI::App *dump = app.add_subcommand(
      "dump", "Show how a graph is partitioned: backends, regions, conversions, cost estimates "
              "and the reason for each decision.");
  dump->add_option("file", opts->file, "Graph in the text form (.duet)")->required();
  dump->add_option("--mode", opts->mode,
                   "Partition as this mode would (default: $DUET_MODE, else auto with torch "
                   "built in, else pure)")
      ->check(CLI::IsMember({"pure", "torch", "auto"}));
  dump->add_option("--profile", opts->profile,
                   "Cost profile (JSON from `duet tune`) instead of $DUET_PROFILE / the default")
      ->type_name("FILE");
  dump->add_option("--threshold", opts->thresholds,
                   "Auto mode: op goes to torch at or above N elements, e.g. matmul=1e6 "
                   "(repeatable)")
      ->type_name("OP=N")
      ->expected(1)
      ->take_all();
  dump->add_option("--min-region-us", opts->minRegionUs,
                  "Auto mode: a torch region must save at least this many microseconds "
                  "(estimated) or it goes back to pure (default 0)")
      ->type_name("US")
      ->check(nonNegative());
  dump->add_option("--min-region-saving", opts->minRegionSaving,
                   "Auto mode: a torch region must save at least this fraction of its "
                   "estimated pure time, net of conversions (default 0.1)")
      ->type_name("FRACTION")
      ->check(inRange(0, 1));
  dump->add_flag("--no-fuse", opts->noFuse,
                 "Show the plan without fuse-elementwise (elementwise chains node by node)");
  auto *after = dump->add_option("--after", opts->after,
                                 "Show the graph after pass PASS instead of the final plan")
                    ->type_name("PASS");
  dump->add_flag("--print-after-all", opts->printAfterAll,
                 "Print the graph (text) after every pass, then the final plan")
      ->excludes(after);
  dump->add_option("--format", opts->format,
                   "Output format (default: from -o's extension, .svg .png .dot .gv .json, "
                   "else text)")
      ->check(CLI::IsMember({"text", "dot", "json", "svg", "png"}));
  dump->add_option("-o,--output", opts->output, "Write to FILE instead of stdout")
      ->type_name("FILE");
  dump->add_flag("--explain", opts->explain,
                 "Say why each node runs where it does: estimates, the threshold or cost term "
                 "that decided, and what region merging changed");
  dump->add_flag("--diff", opts->diff,
                 "What-if: list the nodes whose backend changes under --threshold/--profile "
                 "compared with the default, and the predicted change in total time");
  dump->add_flag("--collapse", opts->collapse,
                 "DOT: draw each chain of 3+ elementwise ops as one box (automatic above 80 "
                 "nodes)");
  dump->add_flag("--no-collapse", opts->noCollapse, "DOT: never collapse elementwise chains");
  dump->footer("Examples:\n"
               "  duet dump examples/transformer_block.duet --explain  # where, and why\n"
               "  duet dump examples/cnn.duet -o cnn.svg          # format from the extension\n"
               "  duet dump examples/mlp.duet --threshold matmul=1000 --diff  # what-if\n"
               "  duet dump examples/mlp.duet --after partition   # one stage\n"
               "  duet dump examples/mlp.duet --print-after-all   # every stage");
  dump->callback([opts] {
    if (int rc = dumpGraphFile(*opts))
      throw CLI::RuntimeError(rc);
  });
}

} // namespace duet::cli
