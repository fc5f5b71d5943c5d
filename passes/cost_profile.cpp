//===- passes/cost_profile.cpp - per-op time estimates ---------------------===//
#include "passes/cost_profile.h"

#include "ir/fused_program.h"

#include "ir/error.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

namespace duet {

//===- shipped defaults ----------------------------------------------------===//
//
// Measured on a 2-core x86-64 (Zen3, no AVX-512) machine, 1 thread, when duet began:
// LibTorch eager ~1 us per op, the pure interpreter ~50 ns per node;
// elementwise work is memory-bound at ~10 GB/s on both; Eigen GEMM ~50
// GFLOP/s, torch GEMM on OpenBLAS 60-72 GFLOP/s but slower to get going
// (packing), so the per-byte term is larger for torch: the crossover of
// square f32 matmuls lands near n = 180, inside the measured 128-256;
// torch conv2d (oneDNN) beats im2col + Eigen once convolutions are large;
// torch::from_blob wraps a buffer in ~0.3 us whatever its size.

static bool isTranscendental(OpKind k) {
  switch (k) {
  case OpKind::Exp:
  case OpKind::Log:
  case OpKind::Sqrt:
  case OpKind::Rsqrt:
  case OpKind::Tanh:
  case OpKind::Sigmoid:
  case OpKind::Gelu:
  case OpKind::Pow: return true;
  default: return false;
  }
}

static OpCost defaultCost(OpKind k, Backend b) {
  const bool torch = b == Backend::Torch;
  constexpr double kMem = 1e-10; // 10 GB/s
  switch (opInfo(k).category) {
  case OpCategory::Source:
  case OpCategory::Conversion:
  case OpCategory::Collective:
  case OpCategory::Fused: return {}; // made after the cost model ran
  case OpCategory::Unary:
  case OpCategory::Binary:
  case OpCategory::Compare:
  case OpCategory::Ternary: {
    double perFlop = isTranscendental(k) ? 5e-10 : 2.5e-11;
    return {torch ? 1e-6 : 50e-9, perFlop, kMem};
  }
  case OpCategory::Contraction:
    return torch ? OpCost{1.5e-6, 1.0 / 66e9, 2e-10} : OpCost{100e-9, 1.0 / 50e9, 5e-11};
  case OpCategory::Reduction: return {torch ? 1.5e-6 : 50e-9, 2.5e-11, kMem};
  case OpCategory::Normalization:
    return torch ? OpCost{2e-6, 1.5e-10, kMem} : OpCost{100e-9, 2e-10, kMem};
  case OpCategory::Movement: return torch ? OpCost{1e-6, 0, 1e-11} : OpCost{50e-9, 0, 3.3e-11};
  case OpCategory::Convolution:
    return torch ? OpCost{5e-6, 1.0 / 80e9, kMem} : OpCost{200e-9, 1.0 / 30e9, 3e-10};
  case OpCategory::Pooling: return torch ? OpCost{2e-6, 5e-11, kMem} : OpCost{100e-9, 1e-10, kMem};
  case OpCategory::Indexing: return {torch ? 1.5e-6 : 50e-9, 0, kMem};
  case OpCategory::Loss: return torch ? OpCost{3e-6, 1e-10, kMem} : OpCost{100e-9, 1e-10, kMem};
  }
  return {};
}

CostProfile CostProfile::defaults() {
  CostProfile p;
  for (const OpInfo &info : allOps()) {
    if (info.category == OpCategory::Source || info.category == OpCategory::Conversion ||
        info.category == OpCategory::Collective || // network time: not modelled
        info.category == OpCategory::Fused)        // made after partitioning
      continue;
    p.pure_[std::string(info.name)] = defaultCost(info.kind, Backend::Pure);
    p.torch_[std::string(info.name)] = defaultCost(info.kind, Backend::Torch);
  }
  p.convPerValueS = 0.3e-6;
  p.convPerByteS = 1e-15; // zero-copy: from_blob costs the same at any size
  p.regionLaunchS = 1e-6;
  p.machine = {{"description", "shipped defaults: 2-core x86-64, 1 thread, OpenBLAS torch"}};
  return p;
}

//===- queries -------------------------------------------------------------===//

const OpCost &CostProfile::opCost(std::string_view op, Backend b) const {
  static const OpCost kZero{};
  const auto &table = b == Backend::Torch ? torch_ : pure_;
  auto it = table.find(op);
  return it == table.end() ? kZero : it->second;
}

void CostProfile::setOpCost(std::string_view op, Backend b, OpCost c) {
  (b == Backend::Torch ? torch_ : pure_)[std::string(op)] = c;
}

double CostProfile::estimate(std::string_view op, Backend b, double flops, double bytes) const {
  const OpCost &c = opCost(op, b);
  return c.overheadS + flops * c.secPerFlop + bytes * c.secPerByte;
}

double CostProfile::estimateNode(const Node &n, Backend b) const {
  if (n.isSource())
    return 0.0;
  if (n.info().category == OpCategory::Conversion)
    return conversionCost(n.type().nbytes());
  std::vector<TensorType> types;
  types.reserve(n.numInputs());
  for (const Node *in : n.inputs())
    types.push_back(in->type());
  if (n.op() == OpKind::FusedElementwise)
    return estimateFused(n.attrs().getString("program"), types, n.type(), b);
  double flops = static_cast<double>(n.info().flops(types, n.attrs(), n.type()));
  double bytes = static_cast<double>(opBytes(types, n.type()));
  return estimate(n.opName(), b, flops, bytes);
}

// Torch runs a fused program step by step, each step a full op. The pure
// interpreter pays one node's overhead, each step's arithmetic, and one
// pass over the operands and the result (intermediates stay in cache),
// priced at the first step's per-byte rate.
double CostProfile::estimateFused(const std::string &program, std::span<const TensorType> in,
                                  const TensorType &result, Backend b) const {
  FusedProgram p = parseFusedProgram(program);
  std::vector<TensorType> steps = fusedStepTypes(p, in);
  double total = 0;
  for (size_t s = 0; s < p.steps.size(); ++s) {
    std::vector<TensorType> operands;
    for (int a : p.steps[s].args)
      operands.push_back(FusedProgram::isStep(a) ? steps[FusedProgram::stepOf(a)] : in[a]);
    const OpInfo &info = opInfo(p.steps[s].op);
    const double flops = static_cast<double>(info.flops(operands, p.steps[s].attrs, steps[s]));
    if (b == Backend::Torch)
      total += estimate(info.name, b, flops, static_cast<double>(opBytes(operands, steps[s])));
    else
      total += flops * opCost(info.name, b).secPerFlop;
  }
  if (b == Backend::Pure) {
    const OpCost &first = opCost(opName(p.steps.front().op), b);
    total += first.overheadS + static_cast<double>(opBytes(in, result)) * first.secPerByte;
  }
  return total;
}

std::optional<double> CostProfile::threshold(std::string_view op) const {
  auto it = thresholds_.find(std::string(op));
  if (it == thresholds_.end())
    return std::nullopt;
  return it->second;
}

void CostProfile::setThreshold(std::string_view op, double elements) {
  thresholds_[std::string(op)] = elements;
}

//===- JSON ----------------------------------------------------------------===//

using Json = nlohmann::json;

static constexpr const char *kFormat = "duet-cost-profile";
static constexpr int kVersion = 1;

static Json opCostJson(const OpCost &c) {
  return Json{
      {"overhead_s", c.overheadS}, {"s_per_flop", c.secPerFlop}, {"s_per_byte", c.secPerByte}};
}

std::string CostProfile::toJson() const {
  Json j;
  j["format"] = kFormat;
  j["version"] = kVersion;
  j["machine"] = Json::object();
  for (const auto &[k, v] : machine)
    j["machine"][k] = v;
  j["conversion"] = Json{{"per_value_s", convPerValueS},
                         {"per_byte_s", convPerByteS},
                         {"region_launch_s", regionLaunchS}};
  Json ops = Json::object();
  for (const auto &[name, c] : pure_)
    ops[name]["pure"] = opCostJson(c);
  for (const auto &[name, c] : torch_)
    ops[name]["torch"] = opCostJson(c);
  j["ops"] = std::move(ops);
  j["thresholds"] = Json::object();
  for (const auto &[op, t] : thresholds_)
    j["thresholds"][op] = t;
  if (!fit.empty()) {
    Json f = Json::object();
    for (const auto &[op, backends] : fit)
      for (const auto &[backend, q] : backends)
        f[op][backend] = Json{{"rel_rms_error", q.relRmsError}, {"points", q.points}};
    j["fit"] = std::move(f);
  }
  return j.dump(2) + "\n";
}

namespace {

/// Reads one profile, naming the file and the dotted field path in errors.
class ProfileReader {
public:
  explicit ProfileReader(const std::string &file) : file_(file) {}

  [[noreturn]] void fail(const std::string &path, const std::string &what) const {
    throw Error(fmt::format("{}: {}: {}", file_, path, what));
  }

  const Json &object(const Json &j, const std::string &path) const {
    if (!j.is_object())
      fail(path, fmt::format("expected an object, got {}", j.type_name()));
    return j;
  }

  double seconds(const Json &j, const std::string &path) const {
    if (!j.is_number())
      fail(path, "expected a number");
    double v = j.get<double>();
    if (!std::isfinite(v) || v < 0)
      fail(path, fmt::format("expected a non-negative number, got {}", j.dump()));
    return v;
  }

  std::string_view knownOp(const std::string &name, const std::string &path) const {
    auto kind = opFromName(name);
    if (!kind)
      fail(path, "unknown op");
    auto cat = opInfo(*kind).category;
    if (cat == OpCategory::Source || cat == OpCategory::Conversion)
      fail(path, "sources and conversions have no op cost");
    return opInfo(*kind).name;
  }

  void readOpCost(const Json &j, const std::string &path, OpCost &c) const {
    for (const auto &[field, v] : object(j, path).items()) {
      std::string p = path + "." + field;
      if (field == "overhead_s")
        c.overheadS = seconds(v, p);
      else if (field == "s_per_flop")
        c.secPerFlop = seconds(v, p);
      else if (field == "s_per_byte")
        c.secPerByte = seconds(v, p);
      else
        fail(p, "unknown field (expected overhead_s, s_per_flop or s_per_byte)");
    }
  }

  void read(const Json &j, CostProfile &p) const {
    if (!j.is_object())
      throw Error(fmt::format("{}: expected a JSON object at the top level", file_));
    if (!j.contains("format"))
      fail("format", fmt::format("missing (expected \"{}\")", kFormat));
    if (j["format"] != kFormat)
      fail("format", fmt::format("expected \"{}\", got {}", kFormat, j["format"].dump()));
    if (!j.contains("version"))
      fail("version", "missing");
    if (!j["version"].is_number_integer())
      fail("version", "expected an integer");
    if (j["version"].get<int64_t>() != kVersion)
      fail("version", fmt::format("unsupported version {} (this duet reads version {})",
                                  j["version"].dump(), kVersion));
    for (const auto &[key, v] : j.items()) {
      if (key == "format" || key == "version")
        continue;
      if (key == "machine")
        readMachine(v, p);
      else if (key == "conversion")
        readConversion(v, p);
      else if (key == "ops")
        readOps(v, p);
      else if (key == "thresholds")
        readThresholds(v, p);
      else if (key == "fit")
        readFit(v, p);
      else
        fail(key, "unknown field");
    }
  }

private:
  void readMachine(const Json &j, CostProfile &p) const {
    p.machine.clear();
    for (const auto &[k, v] : object(j, "machine").items()) {
      if (v.is_structured())
        fail("machine." + k, "expected a string, number or bool");
      p.machine[k] = v.is_string() ? v.get<std::string>() : v.dump();
    }
  }

  void readConversion(const Json &j, CostProfile &p) const {
    for (const auto &[k, v] : object(j, "conversion").items()) {
      std::string path = "conversion." + k;
      if (k == "per_value_s")
        p.convPerValueS = seconds(v, path);
      else if (k == "per_byte_s")
        p.convPerByteS = seconds(v, path);
      else if (k == "region_launch_s")
        p.regionLaunchS = seconds(v, path);
      else
        fail(path, "unknown field (expected per_value_s, per_byte_s or region_launch_s)");
    }
  }

  void readOps(const Json &j, CostProfile &p) const {
    for (const auto &[name, entry] : object(j, "ops").items()) {
      std::string path = "ops." + name;
      std::string_view op = knownOp(name, path);
      for (const auto &[backend, c] : object(entry, path).items()) {
        Backend b = backend == "pure"    ? Backend::Pure
                    : backend == "torch" ? Backend::Torch
                                         : Backend::Unassigned;
        if (b == Backend::Unassigned)
          fail(path + "." + backend, "unknown backend (expected pure or torch)");
        OpCost cost = p.opCost(op, b);
        readOpCost(c, path + "." + backend, cost);
        p.setOpCost(op, b, cost);
      }
    }
  }

  void readThresholds(const Json &j, CostProfile &p) const {
    for (const auto &[name, v] : object(j, "thresholds").items()) {
      std::string path = "thresholds." + name;
      p.setThreshold(knownOp(name, path), seconds(v, path));
    }
  }

  void readFit(const Json &j, CostProfile &p) const {
    for (const auto &[name, entry] : object(j, "fit").items()) {
      std::string path = "fit." + name;
      std::string op(knownOp(name, path));
      for (const auto &[backend, q] : object(entry, path).items()) {
        std::string bpath = path + "." + backend;
        if (backend != "pure" && backend != "torch")
          fail(bpath, "unknown backend (expected pure or torch)");
        FitQuality quality;
        for (const auto &[field, v] : object(q, bpath).items()) {
          std::string fpath = bpath + "." + field;
          if (field == "rel_rms_error")
            quality.relRmsError = seconds(v, fpath);
          else if (field == "points") {
            if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > (1 << 30))
              fail(fpath, "expected a non-negative integer");
            quality.points = static_cast<int>(v.get<int64_t>());
          } else
            fail(fpath, "unknown field (expected rel_rms_error or points)");
        }
        p.fit[op][backend] = quality;
      }
    }
  }

  const std::string &file_;
};

} // namespace

CostProfile CostProfile::fromJson(std::string_view text, const std::string &file) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::exception &e) { // parse_error, or out_of_range for 1e999
    throw Error(fmt::format("{}: not valid JSON: {}", file, e.what()));
  }
  CostProfile p = defaults();
  try {
    ProfileReader(file).read(j, p);
  } catch (const Json::exception &e) { // e.g. dumping a string that is not UTF-8
    throw Error(fmt::format("{}: {}", file, e.what()));
  }
  return p;
}

CostProfile CostProfile::load(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw Error(fmt::format("cannot read cost profile '{}': {}", path, std::strerror(errno)));
  std::ostringstream ss;
  ss << in.rdbuf();
  return fromJson(ss.str(), path);
}

void CostProfile::save(const std::string &path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    throw Error(fmt::format("cannot write cost profile '{}'", path));
  out << toJson();
  out.close();
  if (!out)
    throw Error(fmt::format("error writing cost profile '{}'", path));
}

//===- formatting ----------------------------------------------------------===//

std::string formatSeconds(double s) {
  double a = std::fabs(s);
  if (a < 1e-6)
    return fmt::format("{:.0f}ns", s * 1e9);
  if (a < 1e-3)
    return fmt::format("{:.1f}us", s * 1e6);
  if (a < 1.0)
    return fmt::format("{:.1f}ms", s * 1e3);
  return fmt::format("{:.1f}s", s);
}

std::string formatBytes(double bytes) {
  if (bytes < 1024)
    return fmt::format("{:.0f} B", bytes);
  if (bytes < 1024.0 * 1024)
    return fmt::format("{:.1f} KiB", bytes / 1024);
  if (bytes < 1024.0 * 1024 * 1024)
    return fmt::format("{:.1f} MiB", bytes / (1024.0 * 1024));
  return fmt::format("{:.1f} GiB", bytes / (1024.0 * 1024 * 1024));
}

} // namespace duet
