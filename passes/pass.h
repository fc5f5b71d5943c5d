//===- passes/pass.h - the pass interface -----------------------*- C++ -*-===//
#pragma once

#include <string_view>

namespace duet {

class Graph;

/// A transformation or analysis over a Graph. One pass per file in passes/.
/// run() returns true iff it changed the graph (the PassManager verifies the
/// graph after every changing pass, and checks the claim in debug builds).
/// Errors in the user's graph are thrown as duet::Error.
class Pass {
public:
  virtual ~Pass() = default;
  /// The pipeline name, e.g. "dce"; equal to the file name with '-' for '_'.
  virtual std::string_view name() const = 0;
  virtual bool run(Graph &g) = 0;
};

} // namespace duet
