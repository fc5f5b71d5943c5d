//===- passes/pass_manager.h - running a pipeline of passes -----*- C++ -*-===//
#pragma once

#include "passes/pass.h"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace duet {

struct PassTiming {
  std::string pass;
  double seconds;
  bool changed;
};

/// Runs passes in order. After every pass that reports a change it runs the
/// verifier (a failure names the pass that broke the graph). Can print the
/// graph after a named pass or after all, LLVM-style:
///   *** IR Dump After dce ***
class PassManager {
public:
  template <class P, class... Args> PassManager &add(Args &&...args) {
    passes_.push_back(std::make_unique<P>(std::forward<Args>(args)...));
    return *this;
  }
  PassManager &add(std::unique_ptr<Pass> p) {
    passes_.push_back(std::move(p));
    return *this;
  }

  /// Where dumps go (default: none). `after` may name one pass; "*" = all.
  void setPrintAfter(std::string passName, std::function<void(const std::string &)> sink);
  /// Verify after every changing pass (default on).
  void setVerify(bool on) { verify_ = on; }

  /// Runs the pipeline; returns true if any pass changed the graph.
  bool run(Graph &g);
  const std::vector<PassTiming> &timings() const { return timings_; }
  std::vector<std::string> passNames() const;

private:
  std::vector<std::unique_ptr<Pass>> passes_;
  std::string printAfter_;
  std::function<void(const std::string &)> sink_;
  bool verify_ = true;
  std::vector<PassTiming> timings_;
};

/// Builds a pass by pipeline name ("dce", "cse", ...); throws duet::Error
/// listing the known names when unknown. Names are declared once in
/// passes/passes.def.
std::unique_ptr<Pass> createPass(std::string_view name);
/// Parses "verify,infer-shapes,dce" into a PassManager.
void addPipeline(PassManager &pm, std::string_view commaSeparated);
/// The default optimization pipeline (before partitioning).
std::string_view defaultPipeline();
/// All registered pass names, in passes.def order.
std::vector<std::string> registeredPasses();

} // namespace duet
