//===- passes/cost_profile.h - per-op time estimates ------------*- C++ -*-===//
//
// The cost model of the auto mode: for each op and backend, estimated time
// of one execution = overhead + flops * secPerFlop + bytes * secPerByte,
// plus what crossing between the pure and torch worlds costs. Defaults are
// compiled in (a 2-core x86-64 machine); `duet tune` measures a machine and
// saves a JSON profile that later runs load.
//
#pragma once

#include "ir/graph.h"

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace duet {

/// Linear time model of one op on one backend.
struct OpCost {
  double overheadS = 0.0;  // fixed per call (dispatch, allocation)
  double secPerFlop = 0.0; // inverse throughput
  double secPerByte = 0.0; // operands read + result written
  friend bool operator==(const OpCost &, const OpCost &) = default;
};

/// How well `duet tune`'s fit of an OpCost matched its measurements.
struct FitQuality {
  double relRmsError = 0; // relative RMS error over the sweep
  int points = 0;         // sizes measured
  friend bool operator==(const FitQuality &, const FitQuality &) = default;
};

class CostProfile {
public:
  /// Shipped defaults: every op on both backends, no thresholds.
  static CostProfile defaults();
  /// Parses a profile (JSON, "format": "duet-cost-profile", "version": 1).
  /// Ops and fields it omits keep the defaults. Throws duet::Error naming
  /// `file` and the offending field: "p.json: ops.matmul.torch.overhead_s:
  /// expected a non-negative number".
  static CostProfile fromJson(std::string_view text, const std::string &file = "<profile>");
  static CostProfile load(const std::string &path);
  std::string toJson() const;
  /// Writes toJson() to `path`; throws duet::Error if it cannot.
  void save(const std::string &path) const;

  /// Cost entry of an op (by its ops.def name) on Pure or Torch.
  const OpCost &opCost(std::string_view op, Backend b) const;
  void setOpCost(std::string_view op, Backend b, OpCost c);

  /// Estimated seconds of one execution of `n` on `b` (0 for sources).
  /// Conversion nodes cost conversionCost of their value on either backend.
  double estimateNode(const Node &n, Backend b) const;
  /// A fused_elementwise node's estimate from its program (estimateNode
  /// calls it): see cost_profile.cpp.
  double estimateFused(const std::string &program, std::span<const TensorType> operands,
                       const TensorType &result, Backend b) const;
  /// Same, from raw counts.
  double estimate(std::string_view op, Backend b, double flops, double bytes) const;
  /// Seconds to move one value of `bytes` across the boundary (one
  /// to_torch or from_torch).
  double conversionCost(int64_t bytes) const { return convPerValueS + convPerByteS * bytes; }

  /// Per-op element-count threshold ("matmul" -> 1e6): in auto mode a node
  /// whose largest operand/result numel is >= it goes to torch, below it to
  /// pure, regardless of the estimates.
  std::optional<double> threshold(std::string_view op) const;
  void setThreshold(std::string_view op, double elements);
  const std::map<std::string, double> &thresholds() const { return thresholds_; }

  double convPerValueS = 0.0; // per converted value (from_blob, wrapping)
  double convPerByteS = 0.0;  // per converted byte (tiny when zero-copy)
  double regionLaunchS = 0.0; // per torch region execution
  /// Free-form description of the machine measured ("cpu", "threads", ...).
  std::map<std::string, std::string> machine;
  /// Fit quality of the ops `duet tune` measured: op -> "pure"/"torch" ->
  /// quality (JSON "fit"; empty in hand-written profiles and the defaults).
  std::map<std::string, std::map<std::string, FitQuality>> fit;

  friend bool operator==(const CostProfile &, const CostProfile &) = default;

private:
  std::map<std::string, OpCost, std::less<>> pure_, torch_;
  std::map<std::string, double> thresholds_;
};

/// "850ns", "12.3us", "4.1ms", "2.0s": short human-readable seconds.
std::string formatSeconds(double s);
/// "512 B", "4.0 KB", "4.0 MB", "1.2 GB".
std::string formatBytes(double bytes);

} // namespace duet
