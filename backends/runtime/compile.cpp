//===- backends/runtime/compile.cpp - graph -> executable plan ------------===//
#include "backends/runtime/compile.h"

#include "backends/runtime/executor.h"
#include "backends/runtime/memory_budget.h"
#include "backends/runtime/mode_setting.h"
#include "backends/runtime/profile_env.h"
#include "backends/torch_backend.h"
#include "ir/graph.h"
#include "ir/verifier.h"
#include "passes/fuse_elementwise.h"
#include "passes/pass_manager.h"
#include "passes/plan_estimate.h"

namespace duet {

CompileOptions defaultCompileOptions() {
  CompileOptions opts;
  opts.mode = currentMode();
  opts.strict = strictFromEnv();
  opts.memoryLimitBytes = memoryLimitFromEnvironment();
  // Pure mode never reads the profile: a broken profile file must not stop
  // runs that do not need it.
  if (opts.mode != Mode::Pure)
    opts.partition.profile = profileFromEnvironment();
  return opts;
}

std::shared_ptr<Plan> compile(const Graph &g, const CompileOptions &opts) {
  requireModeAvailable(opts.mode);
  // A user graph is checked before any pass sees it, so a pipeline that
  // changes nothing cannot let a malformed graph reach the interpreter.
  verifyOrThrow(g);
  std::unique_ptr<Graph> graph = g.clone();
  // A dumped, partitioned graph (`duet dump`) carries conversions; partition anew.
  stripConversions(*graph);
  // Before any pass: constant folding and the schedule allocate.
  checkMemoryBudget(*graph, opts.memoryLimitBytes);

  PassManager pm;
  if (!opts.printAfter.empty() && opts.printSink)
    pm.setPrintAfter(opts.printAfter, opts.printSink);
  addPipeline(pm, opts.pipeline.empty() ? defaultPipeline() : std::string_view(opts.pipeline));
  if (opts.mode != Mode::Pure) {
    PartitionOptions partition = opts.partition;
    partition.mode = opts.mode;
    TorchBackend *torch = torchBackend(); // non-null: requireModeAvailable passed
    partition.torchSupports = [torch](const Node &n, std::string *whyNot) {
      return torch->supports(n, whyNot);
    };
    addPartitionPasses(pm, partition);
  } else {
    // Pure mode skips partitioning; fusion still runs (on unassigned nodes).
    pm.add<FuseElementwisePass>(opts.partition.fuseElementwise);
  }
  pm.run(*graph);

  if (opts.mode == Mode::Pure) {
    // No partitioning: everything runs on the interpreter, whatever
    // annotations the input graph carried.
    for (Node *n : graph->nodes()) {
      if (!n->isSource())
        n->setBackend(Backend::Pure);
      n->setRegion(-1);
    }
  }
  return buildExecutor(std::move(graph), opts, pm.timings());
}

} // namespace duet
