//===- frontend/materialize.h - computing a lazy tensor's value -*- C++ -*-===//
#pragma once

#include "backends/buffer.h"

#include <memory>

namespace duet {

class Graph;
class Node;
class TraceContext;

/// Extracts the part of `ctx`'s graph that `target` depends on into a fresh
/// graph whose inputs are the nodes that already have values (appended to
/// `inputValues` in input order), with `target` as the only output.
std::unique_ptr<Graph> extractSubgraph(const TraceContext &ctx, const Node *target,
                                       std::vector<Buffer> &inputValues);

/// The value of `target`: cached, or computed with a plan from the global plan
/// cache (default compile options) and then cached in `ctx`.
Buffer materialize(TraceContext &ctx, const Node *target);

} // namespace duet
