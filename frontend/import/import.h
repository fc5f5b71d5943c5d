//===- frontend/import/import.h - TorchScript models into duet --*- C++ -*-===//
//
// `duet import`: loads a TorchScript module (torch.jit.trace/script .pt),
// freezes it, maps its aten ops to duet ops with static shapes and returns
// the graph plus its weights. Graph inputs are named after forward's
// arguments; weights become params named after their attribute path
// ("layer1.0.conv1.weight"). The supported ops are in docs/import.md.
//
// This header sees no LibTorch. In a build without LibTorch every function
// here throws duet::Error(kNoImportMessage) (frontend/import_absent/).
//
#pragma once

#include "backends/runtime/plan.h"
#include "ir/graph.h"

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace duet::import {

struct ImportOptions {
  /// Static shape of each tensor argument of forward, in order (f32).
  std::vector<Shape> inputShapes;
  /// Let torch's freezing fold batch_norm into the preceding conv (and other
  /// numerics-changing folds). Off: batch_norm stays a duet op.
  bool foldConstants = true;
  /// Graph name; empty: the file's stem.
  std::string graphName;
};

struct ImportedModel {
  std::unique_ptr<Graph> graph;
  ParamStore params; // one entry per graph param
};

/// Loads and converts `path`. Every unsupported op is reported at once: the
/// duet::Error lists each op kind with the nodes (and source lines) using it.
ImportedModel importTorchScript(const std::string &path, const ImportOptions &opts);

/// Writes the graph as text to `duetPath` and its params as safetensors to
/// paramsPathFor(duetPath), where `duet run` finds them.
void writeImportedModel(const ImportedModel &model, const std::string &duetPath);
/// MODEL.duet -> MODEL.safetensors.
std::string paramsPathFor(const std::string &duetPath);

/// The aten/prim op kinds the importer maps ("aten::conv2d", ...), sorted.
std::vector<std::string> supportedOps();

/// The TorchScript module itself, run by LibTorch (eval mode, no autograd):
/// the reference that imported graphs are compared and timed against.
class TorchScriptModule {
public:
  explicit TorchScriptModule(const std::string &path);
  ~TorchScriptModule();
  TorchScriptModule(const TorchScriptModule &) = delete;
  TorchScriptModule &operator=(const TorchScriptModule &) = delete;
  /// forward(inputs...); a tuple/list result gives one buffer per element.
  std::vector<Buffer> forward(std::span<const Buffer> inputs);

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Message of every import entry point in a build without LibTorch.
inline constexpr const char *kNoImportMessage =
    "duet import needs LibTorch, and this build of duet has none (install libtorch-dev and "
    "reconfigure with -DDUET_WITH_TORCH=AUTO or ON)";

} // namespace duet::import
