//===- backends/runtime/tuner.cpp - measuring the cost model --------------===//
#include "backends/runtime/tuner.h"

#include "backends/runtime/compile.h"
#include "backends/runtime/machine_info.h"
#include "backends/runtime/tune_measure.h"
#include "backends/pure/threads.h"
#include "backends/torch_backend.h"
#include "ir/error.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <map>
#include <set>
#include <tuple>

namespace duet {

using namespace tunedetail;

namespace {

using Clock = std::chrono::steady_clock;

struct ConversionTerms {
  double launch = 0, perValue = 0, perByte = 0;
};

/// Progress bookkeeping: every measured point is one unit of work.
class Progress {
public:
  Progress(const TuneOptions &opts, size_t total)
      : opts_(opts), total_(total), start_(Clock::now()) {}
  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  void step(std::string what) {
    ++done_;
    if (!opts_.progress)
      return;
    TuneProgress p;
    p.done = done_;
    p.total = total_;
    p.what = std::move(what);
    p.elapsedS = elapsed();
    p.remainingS = p.elapsedS / static_cast<double>(done_) * static_cast<double>(total_ - done_);
    opts_.progress(p);
  }

private:
  const TuneOptions &opts_;
  size_t total_, done_ = 0;
  Clock::time_point start_;
};

std::string isoNow() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", std::localtime(&t));
  return buf;
}

TimingSample countsOf(const Node &n) {
  std::vector<TensorType> types;
  for (const Node *in : n.inputs())
    types.push_back(in->type());
  TimingSample s;
  s.flops = static_cast<double>(n.info().flops(types, n.attrs(), n.type()));
  s.bytes = static_cast<double>(opBytes(types, n.type()));
  return s;
}

std::vector<std::pair<int, int64_t>> conversionPoints(bool quick) {
  std::vector<std::pair<int, int64_t>> out;
  for (int k : quick ? std::vector<int>{1, 4} : std::vector<int>{1, 2, 4})
    for (int64_t bytes : quick ? std::vector<int64_t>{4096, 4 << 20}
                               : std::vector<int64_t>{4096, 256 << 10, 16 << 20})
      out.emplace_back(k, bytes);
  return out;
}

} // namespace

std::string describePoint(OpKind op, const SweepPoint &p) {
  std::string meaning = sizeMeaning(op);
  std::string text = fmt::format("{}={}", meaning.substr(0, meaning.find(':')), p.size);
  if (p.variant == 0)
    return text;
  OpCategory cat = opInfo(op).category;
  const char *what = "variant";
  if (cat == OpCategory::Binary || cat == OpCategory::Compare)
    what = "bias row";
  else if (cat == OpCategory::Contraction)
    what = "64 rows";
  else if (cat == OpCategory::Reduction)
    what = "all axes";
  else if (op == OpKind::Softmax || op == OpKind::LogSoftmax)
    what = "1024 columns";
  else if (op == OpKind::Conv2d)
    what = p.variant == 1 ? "3->16 channels" : p.variant == 2 ? "64->64 batch 1" : "1->8 channels";
  return fmt::format("{} ({})", text, what);
}

TuneResult tune(const TuneOptions &opts) {
  if (opts.threads < 0)
    throw Error(fmt::format("tune: --threads must be at least 1, got {}", opts.threads));
  TorchBackend *torch = torchBackend();
  if (opts.threads > 0) {
    setPureThreads(opts.threads); // the interpreter's pool (big kernels)
    if (torch)
      torch->setNumThreads(opts.threads); // torch's pool and OpenBLAS's
    // What the profile records (currentMachine) and what later runs need
    // to set for it to apply: OpenBLAS reads it at start-up.
    setenv("OPENBLAS_NUM_THREADS", std::to_string(opts.threads).c_str(), 1);
  }
  TimingPolicy policy;
  policy.pointSeconds = opts.pointSeconds > 0 ? opts.pointSeconds : opts.quick ? 0.04 : 0.1;
  policy.longRunSeconds = opts.longRunSeconds > 0 ? opts.longRunSeconds : opts.quick ? 0.05 : 0.4;

  std::vector<OpKind> ops = opts.ops.empty() ? tunableOps() : opts.ops;
  std::vector<std::pair<OpKind, SweepPoint>> work;
  for (OpKind op : ops) {
    std::vector<SweepPoint> pts = sweepPoints(op, opts.quick);
    if (opts.maxPointsPerOp > 0 && pts.size() > static_cast<size_t>(opts.maxPointsPerOp))
      pts.resize(opts.maxPointsPerOp);
    for (const SweepPoint &p : pts)
      work.emplace_back(op, p);
  }
  constexpr int kMaxInputs = 5; // batch_norm
  auto convPoints = conversionPoints(opts.quick);
  size_t total = kMaxInputs + work.size() * (torch ? 2 : 1) + (torch ? convPoints.size() : 0);
  Progress progress(opts, total);
  TuneResult result;
  result.profile = CostProfile::defaults();

  // 1. What a plan costs per run before any step: pure plans computing nothing.
  CompileOptions pureOpts;
  pureOpts.mode = Mode::Pure;
  std::vector<double> base(kMaxInputs + 1, 0.0);
  for (int k = 1; k <= kMaxInputs; ++k) {
    std::unique_ptr<Graph> g = passThroughGraph(k, 64);
    auto plan = compile(*g, pureOpts);
    base[k] = timePlan(*plan, tuneInputs(*g), policy).seconds;
    progress.step(fmt::format("plan overhead, {} input{}", k, k == 1 ? "" : "s"));
  }

  // 2. The conversion path: launch + per value + per byte.
  ConversionTerms conv{result.profile.regionLaunchS, result.profile.convPerValueS,
                       result.profile.convPerByteS};
  if (torch) {
    std::vector<std::vector<double>> rows;
    std::vector<double> y, w;
    for (auto [k, bytes] : convPoints) {
      std::unique_ptr<Graph> g = passThroughGraph(k, bytes);
      auto plan = conversionPlan(k, bytes);
      double t = std::max(0.0, timePlan(*plan, tuneInputs(*g), policy).seconds - base[k]);
      rows.push_back({1.0, 2.0 * k, 2.0 * k * static_cast<double>(bytes)});
      y.push_back(t);
      double d = std::max(t, kFitFloorSeconds);
      w.push_back(1.0 / (d * d));
      progress.step(fmt::format("conversions, {} value{} of {}", k, k == 1 ? "" : "s",
                                formatBytes(static_cast<double>(bytes))));
    }
    std::vector<double> c = nonNegativeLeastSquares(rows, y, w);
    conv = {c[0], c[1], c[2]};
    result.profile.regionLaunchS = conv.launch;
    result.profile.convPerValueS = conv.perValue;
    result.profile.convPerByteS = conv.perByte;
  }

  // 3. Every op on both backends.
  std::map<std::pair<OpKind, Backend>, std::vector<TimingSample>> samples;
  std::set<std::tuple<OpKind, Backend, int>> stopped; // a long run ended that sweep
  for (const auto &[op, point] : work) {
    OpCase c = buildOpCase(op, point.size, point.variant);
    std::vector<Buffer> inputs = tuneInputs(*c.graph);
    const int numInputs = static_cast<int>(c.graph->inputs().size());
    for (Backend b : {Backend::Pure, Backend::Torch}) {
      if (b == Backend::Torch && !torch)
        continue;
      std::string what =
          fmt::format("{} {} {}", opName(op), backendName(b), describePoint(op, point));
      if (stopped.count({op, b, point.variant}) ||
          (b == Backend::Torch && !torch->supports(*c.node))) {
        progress.step(what);
        continue;
      }
      CompileOptions copts;
      copts.mode = b == Backend::Torch ? Mode::Torch : Mode::Pure;
      auto plan = compile(*c.graph, copts);
      Timing t = timePlan(*plan, inputs, policy);
      const RunStats &stats = plan->stats();
      if (b == Backend::Torch && (stats.torchNodes != 1 || stats.fallbacks != 0)) {
        result.warnings.push_back(what + ": did not run on torch; not measured");
        progress.step(what);
        continue;
      }
      TuneSample s;
      s.op = op;
      s.backend = b;
      s.point = point;
      s.planSeconds = t.seconds;
      s.timing = countsOf(*c.node);
      double overhead = base[std::min(numInputs, kMaxInputs)];
      if (b == Backend::Torch) {
        overhead += conv.launch + conv.perValue * (numInputs + 1) +
                    conv.perByte * static_cast<double>(c.node->type().nbytes());
        for (const Node *in : c.node->inputs())
          overhead += conv.perByte * static_cast<double>(in->type().nbytes());
      }
      s.timing.seconds = std::max(0.0, t.seconds - overhead);
      samples[{op, b}].push_back(s.timing);
      result.samples.push_back(s);
      if (t.longRun)
        stopped.insert({op, b, point.variant});
      progress.step(what);
    }
  }

  // 4. Fit.
  for (const auto &[key, list] : samples) {
    OpFit fit = fitOpCost(list);
    std::string name(opName(key.first));
    result.profile.setOpCost(name, key.second, fit.cost);
    result.profile.fit[name][std::string(backendName(key.second))] = {fit.relRmsError, fit.points};
  }
  result.profile.machine = currentMachine();
  result.profile.machine["tuned"] = isoNow();
  result.profile.machine["tune_mode"] = opts.quick ? "quick" : "full";
  result.profile.machine["tune_seconds"] = fmt::format("{:.1f}", progress.elapsed());
  result.profile.machine["plan_overhead_s"] = fmt::format("{:.3g}", base[1]);
  result.seconds = progress.elapsed();
  return result;
}

} // namespace duet
