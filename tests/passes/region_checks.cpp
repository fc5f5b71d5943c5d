//===- tests/passes/region_checks.cpp - invariants of regions --------------===//
#include "region_checks.h"

#include <fmt/format.h>

#include <set>
#include <vector>

namespace duet::test {
namespace {

bool inTorchRegion(const Node &n) { return n.backend() == Backend::Torch && !n.isSource(); }

/// The graph with each region contracted: vertex = region id, or R + position
/// for a node outside regions.
struct Quotient {
  explicit Quotient(const Graph &g) : vertexOf(g.idBound(), -1) {
    int regions = regionCount(g);
    int next = regions;
    for (const Node *n : g.nodes())
      vertexOf[n->id()] = n->region() >= 0 ? n->region() : next++;
    succ.resize(next);
    for (const Node *n : g.nodes())
      for (const Node *in : n->inputs()) {
        int a = vertexOf[in->id()], b = vertexOf[n->id()];
        if (a != b)
          succ[a].insert(b);
      }
  }
  /// Whether `to` is reachable from `from` other than by a direct edge.
  bool longPath(int from, int to) const {
    std::vector<char> seen(succ.size(), 0);
    std::vector<int> stack;
    for (int s : succ[from])
      if (s != to)
        stack.push_back(s);
    while (!stack.empty()) {
      int c = stack.back();
      stack.pop_back();
      if (c == to)
        return true;
      if (seen[c])
        continue;
      seen[c] = 1;
      for (int s : succ[c])
        stack.push_back(s);
    }
    return false;
  }
  std::vector<int> vertexOf;
  std::vector<std::set<int>> succ;
};

} // namespace

int regionCount(const Graph &g) {
  int r = -1;
  for (const Node *n : g.nodes())
    r = std::max(r, n->region());
  return r + 1;
}

std::string checkRegionIds(const Graph &g) {
  int next = 0;
  for (const Node *n : g.nodes()) {
    if (inTorchRegion(*n) != (n->region() >= 0))
      return fmt::format("node {} ({}, {}) has region {}", n->id(), n->opName(),
                         backendName(n->backend()), n->region());
    if (n->region() > next)
      return fmt::format("region {} appears before region {}", n->region(), next);
    if (n->region() == next)
      ++next;
  }
  return "";
}

std::string checkRegionGraphAcyclic(const Graph &g) {
  Quotient q(g);
  std::vector<int> indegree(q.succ.size(), 0);
  for (const auto &s : q.succ)
    for (int b : s)
      ++indegree[b];
  std::vector<int> ready;
  for (size_t v = 0; v < indegree.size(); ++v)
    if (indegree[v] == 0)
      ready.push_back(static_cast<int>(v));
  size_t done = 0;
  while (!ready.empty()) {
    int v = ready.back();
    ready.pop_back();
    ++done;
    for (int b : q.succ[v])
      if (--indegree[b] == 0)
        ready.push_back(b);
  }
  if (done != q.succ.size())
    return fmt::format("the region graph has a cycle ({} of {} vertices sorted)", done,
                       q.succ.size());
  return "";
}

std::string checkRegionsConnected(const Graph &g) {
  int regions = regionCount(g);
  // Union-find over nodes, joined along intra-region edges.
  std::vector<NodeId> parent(g.idBound());
  for (NodeId i = 0; i < parent.size(); ++i)
    parent[i] = i;
  auto find = [&](NodeId x) {
    while (parent[x] != x)
      x = parent[x] = parent[parent[x]];
    return x;
  };
  for (const Node *n : g.nodes())
    for (const Node *in : n->inputs())
      if (n->region() >= 0 && in->region() == n->region())
        parent[find(n->id())] = find(in->id());
  std::vector<int64_t> root(regions, -1);
  for (const Node *n : g.nodes()) {
    if (n->region() < 0)
      continue;
    int64_t r = find(n->id());
    if (root[n->region()] < 0)
      root[n->region()] = r;
    else if (root[n->region()] != r)
      return fmt::format("region {} is not connected (node {})", n->region(), n->id());
  }
  return "";
}

std::string checkMaximal(const Graph &g) {
  Quotient q(g);
  for (const Node *n : g.nodes())
    for (const Node *in : n->inputs()) {
      int a = in->region(), b = n->region();
      if (a < 0 || b < 0 || a == b)
        continue;
      if (!q.longPath(a, b))
        return fmt::format("regions {} and {} are joined by edge {} -> {} and could merge", a, b,
                           in->id(), n->id());
    }
  return "";
}

} // namespace duet::test
