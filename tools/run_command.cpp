//===- tools/run_command.cpp - `duet run FILE.duet` -----------------------===//
#include "tools/run_command.h"

#include "backends/npy.h"
#include "backends/runtime/compile.h"
#include "backends/runtime/mode_setting.h"
#include "backends/runtime/params.h"
#include "backends/runtime/plan.h"
#include "backends/runtime/plan_cache.h"
#include "backends/runtime/profile_env.h"
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

#include <algorithm>
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

/// Every parameter of `g` must be in `store`, loaded from `source`.
ParamStore requireAllParams(const Graph &g, ParamStore store, const std::string &source) {
  for (const Node *p : g.params())
    if (!store.count(p->name())) {
      std::vector<std::string> names;
      for (const auto &[name, value] : store)
        names.push_back(name);
      throw Error(fmt::format(
          "parameter '{}' ({}) is not in {} (it holds {})", p->name(), p->type().str(), source,
          names.empty() ? "nothing" : fmt::format("{}", fmt::join(names, ", "))));
    }
  return store;
}

/// --params DIR (one .npy each) or FILE.safetensors; else MODEL.safetensors
/// beside MODEL.duet (what `duet import` writes); else initial values.
ParamStore runParams(const Graph &g, const RunOptions &opts) {
  namespace fs = std::filesystem;
  if (opts.paramsDir.ends_with(".safetensors"))
    return requireAllParams(g, nn::loadSafetensors(opts.paramsDir), opts.paramsDir);
  if (!opts.paramsDir.empty())
    return loadParams(g, opts.paramsDir);
  std::string beside = fs::path(opts.file).replace_extension(".safetensors").string();
  if (!g.params().empty() && fs::exists(beside))
    return requireAllParams(g, nn::loadSafetensors(beside), beside);
  return initParams(g, opts.seed);
}

/// ", profile FILE" (or shipped defaults) where the mode reads a profile.
std::string profileNote(const CompileOptions &c) {
  if (c.mode == Mode::Pure)
    return "";
  std::string path = c.partition.profile ? environmentProfilePath() : "";
  return ", profile " + (path.empty() ? std::string("shipped defaults") : path);
}

struct RunTimes {
  double first = 0;          // the first (cold) run
  int warmup = 0;            // untimed runs after it
  std::vector<double> timed; // the --repeat runs after the warm-up
};

std::string describeTimes(RunTimes t) {
  if (t.timed.empty())
    return fmt::format("ran in {:.3f} ms (the first run; --warmup N --repeat M time the steady "
                       "state)",
                       1e3 * t.first);
  std::sort(t.timed.begin(), t.timed.end());
  size_t n = t.timed.size();
  double median = n % 2 ? t.timed[n / 2] : 0.5 * (t.timed[n / 2 - 1] + t.timed[n / 2]);
  return fmt::format("first run {:.3f} ms; then median {:.3f} ms, min {:.3f} ms of {} run{} "
                     "(after {} warm-up)",
                     1e3 * t.first, 1e3 * median, 1e3 * t.timed.front(), n, n == 1 ? "" : "s",
                     t.warmup);
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

  std::shared_ptr<Plan> plan = globalPlanCache().getOrCompile(*g, copts); // --stats shows it
  plan->setStepTiming(opts.stats || !opts.trace.empty()); // per-step times cost a little
  std::vector<Buffer> outs;
  auto timedRun = [&] {
    auto start = std::chrono::steady_clock::now();
    outs = plan->run(bound.inputs, params);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  // The first run pays one-time start-up (LibTorch's primitive creation,
  // first-touch page faults): shown apart from the steady state.
  RunTimes times;
  times.first = timedRun();
  const bool steady = opts.warmup > 0 || opts.repeat > 1;
  if (steady) {
    for (int r = 0; r < opts.warmup; ++r)
      timedRun();
    times.warmup = opts.warmup;
    for (int r = 0; r < opts.repeat; ++r)
      times.timed.push_back(timedRun());
  }

  std::cout << fmt::format("graph {} ({} nodes), mode {}{}: {}\n", g->name(), g->size(),
                           modeName(copts.mode), profileNote(copts), describeTimes(times));
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
      ->default_val(0)
      ->check(integerAtLeast(0));
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
      ->check(inRange(0, 1));
  run->add_flag("--no-fuse", opts->noFuse,
                "Run elementwise chains node by node instead of fusing them "
                "(fuse-elementwise off)");
  run->add_option("--threads", opts->threads,
                  "Threads for big kernels, pure and torch alike (default: "
                  "$DUET_NUM_THREADS, else the cores)")
      ->type_name("N")
      ->check(integerAtLeast(1));
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
  run->add_option("--warmup", opts->warmup,
                  "After the first (cold) run, run N times untimed before the timed runs")
      ->type_name("N")
      ->default_val(0)
      ->check(integerAtLeast(0));
  run->add_option("--repeat", opts->repeat,
                  "Time M runs after the first run and the warm-up; report their median and "
                  "min (the first run is shown apart)")
      ->type_name("M")
      ->default_val(1)
      ->check(integerAtLeast(1));
  run->add_option("--profile", opts->profile,
                  "Cost profile (JSON from `duet tune`) instead of $DUET_PROFILE / the default")
      ->type_name("FILE");
  run->add_option("--trace", opts->trace,
                  "Write the last run's steps as a Chrome/Perfetto trace (JSON) to FILE")
      ->type_name("FILE");
  run->footer("Examples:\n"
              "  duet run examples/mlp.duet                       # random inputs\n"
              "  duet run examples/mlp.duet --input x=x.npy -o out/  # .npy in, .npy out\n"
              "  duet run examples/transformer_block.duet --mode auto --stats\n"
              "  duet run examples/cnn.duet --warmup 3 --repeat 20   # steady-state timing\n"
              "  duet run examples/mlp.duet --print-after '*'     # the graph after every pass");
  run->callback([opts] {
    if (int rc = runGraphFile(*opts))
      throw CLI::RuntimeError(rc);
  });
}

} // namespace duet::cli
