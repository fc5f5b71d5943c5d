//===- tools/tune_command.cpp - `duet tune` -------------------------------===//
//
// Measures this machine and writes a cost profile (backends/runtime/
// tuner.h), or reports on profiles: --show (crossovers, fit errors) and
// --diff (what changed, which example graphs partition differently).
//
#include "tools/tune_command.h"

#include "backends/runtime/profile_env.h"
#include "backends/runtime/tuner.h"
#include "ir/error.h"
#include "passes/cost_profile.h"
#include "tools/commands.h"
#include "tools/flag_checks.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace duet::cli {

namespace {

std::string clock(double s) {
  int t = static_cast<int>(s + 0.5);
  return fmt::format("{}:{:02}", t / 60, t % 60);
}

/// A redrawn bar on a terminal, one line per phase or op otherwise.
class ProgressPrinter {
public:
  ProgressPrinter() : tty_(isatty(STDERR_FILENO) != 0) {}
  void operator()(const TuneProgress &p) {
    if (tty_) {
      constexpr int kWidth = 28;
      int filled = static_cast<int>(kWidth * p.done / std::max<size_t>(p.total, 1));
      std::string bar = std::string(filled, '#') + std::string(kWidth - filled, '.');
      std::string line = fmt::format("\r[{}] {:3}% {}/{} ETA {}  {}", bar, 100 * p.done / p.total,
                                     p.done, p.total, clock(p.remainingS), p.what);
      line.resize(std::max<size_t>(line.size(), lastWidth_), ' '); // erase the previous tail
      lastWidth_ = line.size();
      std::cerr << line << (p.done == p.total ? "\n" : "") << std::flush;
      return;
    }
    std::string phase = p.what.substr(0, p.what.find_first_of(" ,"));
    if (phase == phase_ && p.done != p.total)
      return;
    phase_ = phase;
    std::cerr << fmt::format("tune: {}/{} {} (elapsed {}, ETA {})\n", p.done, p.total, p.what,
                             clock(p.elapsedS), clock(p.remainingS));
  }

private:
  bool tty_;
  size_t lastWidth_ = 0;
  std::string phase_;
};

std::vector<OpKind> parseOps(const std::string &list) {
  std::vector<OpKind> out;
  if (list.empty())
    return out;
  std::vector<OpKind> tunable = tunableOps();
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    std::string name = list.substr(start, comma == std::string::npos ? comma : comma - start);
    start = comma == std::string::npos ? list.size() + 1 : comma + 1;
    if (name.empty())
      continue;
    auto kind = opFromName(name);
    if (!kind)
      throw Error(fmt::format("--ops: unknown op '{}'", name));
    if (std::find(tunable.begin(), tunable.end(), *kind) == tunable.end())
      throw Error(fmt::format("--ops: '{}' is not measured (sources and conversions have no "
                              "op cost)",
                              name));
    if (std::find(out.begin(), out.end(), *kind) == out.end())
      out.push_back(*kind);
  }
  if (out.empty())
    throw Error("--ops: no op named (e.g. --ops add,matmul)");
  return out;
}

/// One CSV row per measured point, with what the fitted profile predicts.
void writeSamples(const std::string &path, const TuneResult &r) {
  std::ofstream out(path);
  if (!out)
    throw Error(fmt::format("cannot write '{}'", path));
  out << "op,backend,point,flops,bytes,measured_s,predicted_s,plan_s\n";
  for (const TuneSample &s : r.samples) {
    std::string op(opName(s.op));
    double predicted = r.profile.estimate(op, s.backend, s.timing.flops, s.timing.bytes);
    out << fmt::format("{},{},\"{}\",{},{},{:.4g},{:.4g},{:.4g}\n", op, backendName(s.backend),
                       describePoint(s.op, s.point), s.timing.flops, s.timing.bytes,
                       s.timing.seconds, predicted, s.planSeconds);
  }
  if (!out.flush())
    throw Error(fmt::format("error writing '{}'", path));
}

int measure(const TuneCliOptions &o) {
  std::string path = o.output.empty() ? defaultProfilePath() : o.output;
  if (path.empty())
    throw Error("no default profile location (neither XDG_CONFIG_HOME nor HOME is set): pass -o "
                "PROFILE.json");
  TuneOptions t;
  t.ops = parseOps(o.ops);
  t.quick = o.quick;
  t.threads = o.threads;
  t.maxPointsPerOp = o.maxPoints;
  t.pointSeconds = o.pointMs / 1e3;
  ProgressPrinter printer;
  if (!o.noProgress)
    t.progress = [&printer](const TuneProgress &p) { printer(p); };
  TuneResult r = tune(t);

  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty())
    std::filesystem::create_directories(parent, ec);
  r.profile.save(path);
  if (!o.samples.empty())
    writeSamples(o.samples, r);
  for (const std::string &w : r.warnings)
    std::cerr << "duet: warning: " << w << '\n';
  std::cout << fmt::format("measured {} op{} ({} points) in {:.1f} s; wrote {}\n",
                           r.profile.fit.size(), r.profile.fit.size() == 1 ? "" : "s",
                           r.samples.size(), r.seconds, path);
  std::cout << fmt::format("see the crossovers with: duet tune --show {}\n", path);
  return 0;
}

} // namespace

int tuneCommand(const TuneCliOptions &o) {
  bool measuring =
      !o.ops.empty() || o.quick || o.threads != 0 || !o.output.empty() || !o.samples.empty();
  if (!o.show.empty() && !o.diff.empty())
    throw Error("--show and --diff are separate reports; pass one of them");
  if ((!o.show.empty() || !o.diff.empty()) && measuring)
    throw Error("--show/--diff report on existing profiles; -o, --ops, --quick and --threads "
                "only apply when measuring");
  // Reports load profiles without the stale warning: --show lists what
  // differs itself, and --diff is for comparing machines and settings.
  if (!o.show.empty()) {
    std::cout << profileShowReport(CostProfile::load(o.show), o.show);
    return 0;
  }
  if (!o.diff.empty()) {
    if (o.diff.size() != 2)
      throw Error("--diff takes two profiles: --diff A.json B.json");
    std::cout << profileDiffReport(CostProfile::load(o.diff[0]), o.diff[0],
                                   CostProfile::load(o.diff[1]), o.diff[1], o.examplesDir);
    return 0;
  }
  return measure(o);
}

void addTuneCommand(CLI::App &app) {
  auto opts = std::make_shared<TuneCliOptions>();
  CLI::App *tune = app.add_subcommand(
      "tune", "Measure this machine and write a cost profile for auto mode; or show/diff "
              "profiles.");
  tune->add_option("-o,--output", opts->output,
                   "Profile to write (default: $XDG_CONFIG_HOME/duet/profile.json, else "
                   "~/.config/duet/profile.json, which runs load by default)")
      ->type_name("PROFILE.json");
  tune->add_option("--ops", opts->ops,
                   "Measure only these ops, comma-separated (others keep the shipped defaults)")
      ->type_name("LIST");
  tune->add_flag("--quick", opts->quick, "Fewer, smaller sizes and shorter timings (13 s here, against 80 s for the full run: docs/tuning.md)");
  tune->add_option("--threads", opts->threads,
                   "Torch (and OpenBLAS) threads while measuring; the profile records them")
      ->type_name("N")
      ->check(integerAtLeast(1));
  tune->add_option("--show", opts->show,
                   "Report a profile: per op, the size from which torch wins and the fit error")
      ->type_name("PROFILE.json");
  tune->add_option("--diff", opts->diff,
                   "Compare two profiles: changed terms and the example graphs they "
                   "partition differently")
      ->type_name("A.json B.json")
      ->expected(2);
  tune->add_option("--examples", opts->examplesDir,
                   "Graphs (*.duet) that --diff re-partitions (default: ./examples)")
      ->type_name("DIR");
  tune->add_option("--samples", opts->samples,
                   "Also write every measured point (and what the fit predicts) as CSV")
      ->type_name("FILE.csv");
  tune->add_flag("--no-progress", opts->noProgress, "No progress output on stderr");
  // Test knobs, not shown in --help.
  tune->add_option("--max-points", opts->maxPoints, "")->group("");
  tune->add_option("--point-ms", opts->pointMs, "")->group("");
  tune->footer("Examples:\n"
               "  duet tune                      # measure; writes the default profile\n"
               "  duet tune --quick -o quick.json  # a rougher profile in about half a minute\n"
               "  duet tune --show ~/.config/duet/profile.json  # crossover sizes per op\n"
               "  duet tune --diff old.json new.json          # what changed, what moves");
  tune->callback([opts] {
    if (int rc = tuneCommand(*opts))
      throw CLI::RuntimeError(rc);
  });
}

} // namespace duet::cli
