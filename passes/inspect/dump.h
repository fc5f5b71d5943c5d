//===- passes/inspect/dump.h - `duet dump` from C++ -------------*- C++ -*-===//
//
//   std::string svg = duet::dumpGraph(g, DumpFormat::Svg, opts);   // as `duet dump`
//   std::cout << duet::explainGraph(g, opts);                     // as `--explain`
//   std::cout << plan->explain();                                 // a compiled plan
//
#pragma once

#include "passes/partition_options.h"

#include <optional>
#include <string>
#include <string_view>

namespace duet {

class Graph;

enum class DumpFormat : unsigned char { Text, Dot, Json, Svg, Png };
/// "text", "dot", "json", "svg", "png"; nullopt otherwise.
std::optional<DumpFormat> parseDumpFormat(std::string_view s);

/// Partitions a copy of `g` with `opts` (mode, profile, thresholds; a null
/// torchSupports is filled in from this build's torch backend) and returns
/// the dump `duet dump` would print: annotated text that parses back, DOT,
/// JSON (docs/dump-format.md), or SVG/PNG rendered by Graphviz (a duet::Error
/// when `dot` is missing). `explain` adds the per-node reasons.
std::string dumpGraph(const Graph &g, DumpFormat format, const PartitionOptions &opts = {},
                      bool explain = false);

/// Why each node of `g` runs where it does under `opts`, and the summary
/// against the all-pure and all-torch plans (`duet dump --explain`).
std::string explainGraph(const Graph &g, const PartitionOptions &opts = {});

/// The same for a graph that is already partitioned (a Plan's graph, with its
/// conversion nodes): nothing is re-decided, the reasons recorded on its
/// nodes are shown.
std::string explainPartitioned(const Graph &partitioned, const PartitionOptions &opts);

} // namespace duet
