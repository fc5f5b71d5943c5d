//===- tests/passes/region_checks.h - invariants of regions -----*- C++ -*-===//
//
// Independent (brute-force) checks of what merge-regions promises, used by
// the property tests. Each returns "" when the invariant holds, else a
// message naming the offending nodes/regions.
//
#pragma once

#include "ir/graph.h"

#include <string>

namespace duet::test {

/// Every torch non-source node has a region >= 0, every other node -1, and
/// the ids are dense 0..R-1 in order of first node.
std::string checkRegionIds(const Graph &g);
/// Contracting each region to one vertex leaves the graph acyclic.
std::string checkRegionGraphAcyclic(const Graph &g);
/// Each region's nodes are connected through edges inside the region.
std::string checkRegionsConnected(const Graph &g);
/// No edge joins two different regions that could merge without a cycle.
std::string checkMaximal(const Graph &g);
/// Number of regions (max id + 1).
int regionCount(const Graph &g);

} // namespace duet::test
