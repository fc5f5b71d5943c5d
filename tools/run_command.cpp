//===- tools/run_command.cpp - `duet run FILE.duet` -----------------------===//
#include "tools/run_command.h"

#include "backends/npy.h"
#include "backends/runtime/compile.h"
#include "backends/runtime/mode_setting.h"
#include "backends/runtime/params.h"
#include "backends/runtime/plan.h"
#include "backends/runtime/thread_setting.h"
#include "backends/runtime/trace_writer.h"
#include "frontend/nn/checkpoint.h"
#include "frontend/summary.h"
#include "ir/error.h"
#include "ir/graph.h"
#include "ir/parser.h"
#include "tools/commands.h"
#include "tools/flag_checks.h"
#include "tools/run_inputs.h"
#include "tools/threshold_flag.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace duet::cli {

namespace {

CompileOptions compileOptionsFor(const RunOptions &opts) {
  if (!opts.mode.empty()) {
    std::optional<Mode> mode = parseMode(opts.mode);
    if (!mode)
      throw Error("--mode " + opts.mode + ": expected pure, torch or auto");
    requireModeAvailable(*mode);
    setMode(*mode); // before defaultCompileOptions: a bad DUET_MODE no longer matters
  }
  // --profile FILE is DUET_PROFILE=FILE for this process (loaded, checked and
  // reported stale by profileFromEnvironment, like the variable).
  if (!opts.profile.empty())
    setenv("DUET_PROFILE", opts.profile.c_str(), 1);
  CompileOptions c = defaultCompileOptions();
  c.strict = c.strict || opts.strict;
  for (const auto &[op, n] : parseThresholds(opts.thresholds))
    c.partition.thresholds[op] = n;
  if (opts.minRegionUs >= 0)
    c.partition.minRegionSeconds = opts.minRegionUs * 1e-6;
  if (opts.minRegionSaving >= 0)
    c.partition.minRegionSavingFraction = opts.minRegionSaving;
  c.partition.fuseElementwise = !opts.noFuse;
  if (!opts.thresholds.empty() && c.mode != Mode::Auto)
    std::cerr << "duet: warning: --threshold only affects auto mode (the mode is "
              << modeName(c.mode) << ")\n";
  if (!opts.printAfter.empty()) {
    c.printAfter = opts.printAfter;
    c.printSink = [](const std::string &text) { std::cout << text; };
  }
  return c;
}

/// --params DIR (one .npy each) or FILE.safetensors; else MODEL.safetensors
/// beside MODEL.duet (what `duet import` writes); else initial values.
ParamStore runParams(const Graph &g, const RunOptions &opts) {
  namespace fs = std::filesystem;
  if (opts.paramsDir.ends_with(".safetensors"))
    return nn::loadSafetensors(opts.paramsDir);
  if (!opts.paramsDir.empty())
    return loadParams(g, opts.paramsDir);
  std::string beside = fs::path(opts.file).replace_extension(".safetensors").string();
  if (!g.params().empty() && fs::exists(beside))
    return nn::loadSafetensors(beside);
  return initParams(g, opts.seed);
}

std::string outputName(const Graph &g, size_t i) {
  const std::string &name = g.outputs()[i]->name();
  return name.empty() ? "output" + std::to_string(i) : name;
}

} // namespace

int runGraphFile(const RunOptions &opts) {
  std::unique_ptr<Graph> g = parseGraphFile(opts.file);
  if (opts.threads > 0)
    setNumThreads(opts.threads);
  CompileOptions copts = compileOptionsFor(opts);

  BoundInputs bound = bindInputFiles(*g, opts.inputs);
  fillRandomInputs(*g, bound.inputs, opts.seed);
  ParamStore params = runParams(*g, opts);
  for (auto &[name, value] : bound.params)
    params[name] = value;
  if (!opts.saveParamsDir.empty())
    saveValues(opts.saveParamsDir, params);

  std::shared_ptr<Plan> plan = compile(*g, copts);
  plan->setStepTiming(opts.stats || !opts.trace.empty()); // per-step times cost a little
  std::vector<Buffer> outs;
  auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < std::max(opts.repeat, 1); ++r)
    outs = plan->run(bound.inputs, params);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::cout << fmt::format("graph {} ({} nodes), mode {}: ran in {:.3f} ms{}\n", g->name(),
                           g->size(), modeName(copts.mode),
                           1e3 * seconds / std::max(opts.repeat, 1),
                           opts.repeat > 1 ? fmt::format(" (mean of {})", opts.repeat) : "");
  for (size_t i = 0; i < outs.size(); ++i)
    std::cout << fmt::format("  %{} = {}\n", outputName(*g, i), summarize(outs[i]));
  if (!opts.outDir.empty()) {
    ParamStore named;
    for (size_t i = 0; i < outs.size(); ++i)
      named[outputName(*g, i)] = outs[i];
    saveValues(opts.outDir, named);
    std::cout << "wrote " << outs.size() << " output(s) to " << opts.outDir << '\n';
  }
  if (opts.stats)
    std::cout << plan->stats().format() << "threads: " << threadSummary() << '\n';
  if (!opts.trace.empty())
    writeTraceFile(opts.trace, plan->stats(), {g->name(), std::string(modeName(copts.mode))});
  return 0;
}

void addRunCommand(CLI::App &app) {
  auto opts = std::make_shared<RunOptions>();
  CLI::App *run = app.add_subcommand("run", "Load a graph file, run it and print its outputs.");
  run->add_option("file", opts->file, "Graph in the text form (.duet)")->required();
  run->add_option("-i,--input", opts->inputs,
                  "Input value from a .npy file; NAME=FILE binds input (or parameter) NAME, a "
                  "bare FILE binds the next input in order. Repeatable; unbound inputs get "
                  "random values from --seed.")
      ->type_name("[NAME=]FILE")
      ->expected(1)
      ->take_all();
  run->add_option("--seed", opts->seed, "Seed of random inputs and initial parameters")
      ->default_val(0);
  run->add_option("-o,--output-dir", opts->outDir,
                  "Write each output as DIR/<name>.npy (anonymous outputs: output0.npy, ...)")
      ->type_name("DIR");
  run->add_option("--mode", opts->mode,
                  "Where ops run (default: $DUET_MODE, else auto with "
                  "torch built in, else pure)")
      ->check(CLI::IsMember({"pure", "torch", "auto"}));
  run->add_flag("--strict", opts->strict,
                "A failing torch region is an error instead of falling back to pure");
  run->add_flag("--stats", opts->stats,
                "Print partition and timing statistics (nodes per backend, regions, "
                "conversions, per-step time)");
  run->add_option("--threshold", opts->thresholds,
                  "Auto mode: op goes to torch at or above N result elements, e.g. matmul=1e6 "
                  "(repeatable)")
      ->type_name("OP=N")
      ->expected(1)
      ->take_all();
  run->add_option("--min-region-us", opts->minRegionUs,
                  "Auto mode: a torch region must save at least this many microseconds "
                  "(estimated) or it goes back to pure (default 0)")
      ->type_name("US")
      ->check(nonNegative());
  run->add_option("--min-region-saving", opts->minRegionSaving,
                  "Auto mode: a torch region must save at least this fraction of its "
                  "estimated pure time, net of conversions (default 0.1)")
      ->type_name("FRACTION")
      ->check(CLI::Range(0.0, 1.0));
  run->add_flag("--no-fuse", opts->noFuse,
                "Run elementwise chains node by node instead of fusing them "
                "(fuse-elementwise off)");
  run->add_option("--threads", opts->threads,
                  "Threads for big kernels, pure and torch alike (default: "
                  "$DUET_NUM_THREADS, else the cores)")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
  run->add_option("--params", opts->paramsDir,
                  "Load every parameter from DIR/<name>.npy, or from FILE.safetensors, "
                  "instead of FILE's own .safetensors beside it (as `duet import` writes) "
                  "or initial values")
      ->type_name("DIR|FILE");
  run->add_option("--save-params", opts->saveParamsDir,
                  "Write the parameters used as DIR/<name>.npy")
      ->type_name("DIR");
  run->add_option("--print-after", opts->printAfter,
                  "Print the graph after pass PASS ('*': after every pass)")
      ->type_name("PASS");
  run->add_option("--repeat", opts->repeat, "Run N times and report the mean time")
      ->default_val(1)
      ->check(positive());
  run->add_option("--profile", opts->profile,
                  "Cost profile (JSON from `duet tune`) instead of $DUET_PROFILE / the default")
      ->type_name("FILE");
  run->add_option("--trace", opts->trace,
                  "Write the last run's steps as a Chrome/Perfetto trace (JSON) to FILE")
      ->type_name("FILE");
  run->callback([opts] {
    if (int rc = runGraphFile(*opts))
      throw CLI::RuntimeError(rc);
  });
}

} // namespace duet::cli
