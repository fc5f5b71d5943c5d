//===- frontend/program.h - define-then-run -------------------*- C++ -*-===//
//
//   duet::GraphBuilder b("mlp");
//   Tensor x = b.input("x", DType::F32, {32, 784});
//   Tensor w = b.param("w1", DType::F32, {784, 256});
//   Tensor y = relu(matmul(x, w));
//   duet::Program prog = b.build({y});
//   std::vector<Buffer> outs = prog.run({xbuf}, params);
//
// A GraphBuilder's tensors are symbolic: its inputs and params have no
// values, so they cannot be materialized; they are fed to Program::run.
//
#pragma once

#include "backends/runtime/compile.h"
#include "backends/runtime/plan.h"
#include "frontend/tensor.h"

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace duet {

class Graph;

/// A compiled graph, run many times with new inputs.
class Program {
public:
  /// Compiles `graph` (which must have its outputs set), or reuses the plan
  /// of an identical graph compiled with the same options (globalPlanCache()).
  Program(std::unique_ptr<Graph> graph, const CompileOptions &opts);

  /// The graph as built (before any pass): print it or save it as a .duet file.
  const Graph &graph() const { return *graph_; }
  /// The compiled plan (shared with identical Programs); plan().graph() is
  /// the optimized, partitioned graph.
  Plan &plan() const { return *plan_; }
  /// Writes graph() in the text form, which `duet run FILE` loads. Throws
  /// duet::Error naming the file when it cannot be written.
  void save(const std::string &path) const;
  /// Statistics of the most recent run of the plan.
  const RunStats &stats() const { return plan_->stats(); }

  /// Runs with `inputs` in declaration order and parameters by name; returns
  /// one buffer per output. Throws duet::Error naming a missing, extra or
  /// mismatched input/param.
  std::vector<Buffer> run(std::span<const Buffer> inputs, const ParamStore &params = {}) const;
  std::vector<Buffer> run(std::initializer_list<Buffer> inputs,
                          const ParamStore &params = {}) const {
    return run(std::span<const Buffer>(inputs.begin(), inputs.size()), params);
  }
  /// The allocation-free form: writes the outputs into caller-owned buffers
  /// of the outputs' types, reused from run to run (Plan::run).
  void run(std::span<const Buffer> inputs, const ParamStore &params,
           std::span<Buffer> outputs) const {
    plan_->run(inputs, params, outputs);
  }

private:
  std::unique_ptr<Graph> graph_;
  std::shared_ptr<Plan> plan_;
};

class GraphBuilder {
public:
  explicit GraphBuilder(std::string name = "main");

  /// Declares a graph input / parameter (names must be unique).
  Tensor input(const std::string &name, DType dtype, Shape shape);
  Tensor param(const std::string &name, DType dtype, Shape shape);
  /// A constant embedded in the graph (a splat, or one value per element).
  Tensor constant(Shape shape, std::vector<double> values, DType dtype = DType::F32);

  /// Names a value so it prints (and is reported) as %name.
  void setName(const Tensor &t, const std::string &name);

  /// The graph computing `outputs` (a copy; the builder can keep going).
  std::unique_ptr<Graph> graph(const std::vector<Tensor> &outputs) const;
  /// Compiles the graph computing `outputs`.
  Program build(const std::vector<Tensor> &outputs) const;
  Program build(const std::vector<Tensor> &outputs, const CompileOptions &opts) const;

  /// The graph recorded so far (outputs not set).
  const Graph &trace() const;

private:
  Node *own(const Tensor &t, const char *what) const;
  std::shared_ptr<TraceContext> ctx_;
};

} // namespace duet
