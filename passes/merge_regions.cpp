//===- passes/merge_regions.cpp - "merge-regions" --------------------------===//
//
// Regions are grown by contracting edges of a cluster graph (one cluster per
// node to start; only torch clusters ever merge). Contracting a->b is legal
// iff no other path leads from a to b: otherwise the merged cluster would sit
// on a cycle. The clusters are kept in a dynamic topological order
// (Pearce-Kelly), so the path search only visits clusters ranked between a
// and b, which keeps it local on real graphs. This is what XLA's GraphCycles
// does for its clustering.
//
#include "passes/merge_regions.h"

#include "ir/error.h"
#include "ir/graph.h"
#include "passes/cost_profile.h"
#include "passes/partition.h"

#include <fmt/format.h>

#include <algorithm>

namespace duet {

MergeRegionsPass::MergeRegionsPass() : opts_(defaultNamedPassOptions()) {}

namespace {

/// Acyclic graph of clusters of nodes, indexed by position in the graph.
class ClusterGraph {
public:
  explicit ClusterGraph(const Graph &g) : index_(g.idBound(), -1) {
    const auto &nodes = g.nodes();
    int n = static_cast<int>(nodes.size());
    parent_.resize(n);
    ord_.resize(n);
    succ_.resize(n);
    pred_.resize(n);
    compacted_.assign(n, 0);
    mark_.assign(n, 0);
    for (int i = 0; i < n; ++i) {
      parent_[i] = ord_[i] = i;
      index_[nodes[i]->id()] = i;
    }
    for (int i = 0; i < n; ++i)
      for (const Node *in : nodes[i]->inputs()) {
        succ_[index_[in->id()]].push_back(i);
        pred_[i].push_back(index_[in->id()]);
      }
  }

  int of(const Node &n) { return find(index_[n.id()]); }

  int find(int c) {
    while (parent_[c] != c) {
      parent_[c] = parent_[parent_[c]];
      c = parent_[c];
    }
    return c;
  }

  /// Merges two adjacent clusters unless that creates a cycle; returns
  /// whether it did.
  bool contract(int x, int y) {
    int a = find(x), b = find(y);
    if (a == b)
      return false;
    if (ord_[a] > ord_[b])
      std::swap(a, b); // the edge runs a -> b
    // Fast paths: when b's only predecessor is a (or a's only successor is
    // b) there is no other path, and the merged cluster can keep a's (b's)
    // rank without reordering anything.
    fwd_.clear();
    bwd_.clear();
    if (onlyNeighbour(b, a, /*preds=*/true))
      merge(a, b, ord_[a]);
    else if (onlyNeighbour(a, b, /*preds=*/false))
      merge(a, b, ord_[b]);
    else if (!search(a, b, /*forward=*/true, fwd_))
      return false;
    else {
      search(b, a, /*forward=*/false, bwd_);
      reorder(a, b, fwd_, bwd_);
    }
    return true;
  }

private:
  // Collects the clusters reachable from `from` (forward) or reaching it
  // (backward) strictly between the two in the order, not through the direct
  // from-to edges. Forward, finding `to` means a second path: returns false.
  bool search(int from, int to, bool forward, std::vector<int> &seen) {
    ++epoch_;
    auto inWindow = [&](int c) { return forward ? ord_[c] < ord_[to] : ord_[c] > ord_[to]; };
    std::vector<int> &stack = stack_;
    stack.assign(1, from);
    bool first = true;
    while (!stack.empty()) {
      int c = stack.back();
      stack.pop_back();
      auto &next = forward ? succ_[c] : pred_[c];
      compact(c, next);
      for (int raw : next) {
        int d = find(raw);
        if (d == c || mark_[d] == epoch_)
          continue;
        if (d == to) {
          if (!first && forward)
            return false; // a -> ... -> X -> b
          continue;
        }
        if (!inWindow(d))
          continue;
        mark_[d] = epoch_;
        seen.push_back(d);
        stack.push_back(d);
      }
      first = false;
    }
    return true;
  }

  bool onlyNeighbour(int c, int other, bool preds) {
    auto &list = preds ? pred_[c] : succ_[c];
    compact(c, list);
    for (int raw : list) {
      int d = find(raw);
      if (d != c && d != other)
        return false;
    }
    return true;
  }

  // Drops stale (merged-away, self, duplicate) entries once a list has
  // doubled since it was last cleaned: amortized linear.
  void compact(int c, std::vector<int> &list) {
    if (list.size() <= 2 * static_cast<size_t>(compacted_[c]) + 8)
      return;
    for (int &e : list)
      e = find(e);
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
    std::erase(list, c);
    compacted_[c] = static_cast<int>(list.size());
  }

  // Pearce-Kelly: clusters reaching b go before the merged cluster, clusters
  // reached from a after it, each keeping its relative order; they reuse
  // the ranks they (and a, b) held.
  void reorder(int a, int b, std::vector<int> &fwd, std::vector<int> &bwd) {
    auto byOrd = [&](int x, int y) { return ord_[x] < ord_[y]; };
    std::sort(fwd.begin(), fwd.end(), byOrd);
    std::sort(bwd.begin(), bwd.end(), byOrd);
    std::vector<int> pool{ord_[a], ord_[b]};
    for (int c : fwd)
      pool.push_back(ord_[c]);
    for (int c : bwd)
      pool.push_back(ord_[c]);
    std::sort(pool.begin(), pool.end());
    size_t slot = 0;
    for (int c : bwd)
      ord_[c] = pool[slot++];
    int merged = pool[slot++];
    for (int c : fwd)
      ord_[c] = pool[slot++];
    merge(a, b, merged);
  }

  void merge(int a, int b, int rank) {
    // Small-to-large: the cluster with more edges survives.
    int keep = a, drop = b;
    if (succ_[a].size() + pred_[a].size() < succ_[b].size() + pred_[b].size())
      std::swap(keep, drop);
    parent_[drop] = keep;
    ord_[keep] = rank;
    succ_[keep].insert(succ_[keep].end(), succ_[drop].begin(), succ_[drop].end());
    pred_[keep].insert(pred_[keep].end(), pred_[drop].begin(), pred_[drop].end());
    std::vector<int>().swap(succ_[drop]);
    std::vector<int>().swap(pred_[drop]);
  }

  std::vector<int> index_; // node id -> position
  std::vector<int> parent_, ord_, compacted_, mark_;
  std::vector<std::vector<int>> succ_, pred_;
  std::vector<int> fwd_, bwd_, stack_; // scratch
  int epoch_ = 0;
};

bool isTorch(const Node &n) { return n.backend() == Backend::Torch && !n.isSource(); }

/// The cost-driven part of auto mode, over the structural clusters.
class Adjuster {
public:
  Adjuster(Graph &g, ClusterGraph &cg, const PartitionOptions &opts)
      : g_(g), cg_(cg), opts_(opts), profile_(profileOf(opts)), isOutput_(g.idBound(), 0) {
    for (const Node *o : g.outputs())
      isOutput_[o->id()] = 1;
  }

  /// Moves pure nodes into a neighbouring region where that saves time.
  void absorb() {
    for (Node *p : g_.nodes()) {
      if (isTorch(*p) || p->isSource() || thresholdOf(opts_, p->opName()) || !opts_.torchSupports ||
          !opts_.torchSupports(*p, nullptr))
        continue;
      std::vector<int> candidates;
      for (const Node *in : p->inputs())
        if (isTorch(*in))
          candidates.push_back(cg_.of(*in));
      for (const Node *u : p->users())
        if (isTorch(*u))
          candidates.push_back(cg_.of(*u));
      std::sort(candidates.begin(), candidates.end());
      candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
      Delta best;
      int bestRegion = -1;
      for (int r : candidates) {
        Delta d = delta(*p, r);
        if (d.seconds < best.seconds && d.removed > 0) {
          best = d;
          bestRegion = r;
        }
      }
      if (bestRegion < 0 || best.seconds >= 0 || !cg_.contract(cg_.of(*p), bestRegion))
        continue;
      p->setBackend(Backend::Torch);
      p->setReason(fmt::format("kept on torch: moving it to pure would add {} conversion{} of "
                               "{} ({} more)",
                               best.removed, best.removed == 1 ? "" : "s", formatBytes(best.bytes),
                               formatSeconds(-best.seconds)));
      // p may have been what kept two regions apart.
      for (const Node *in : p->inputs())
        if (isTorch(*in))
          cg_.contract(cg_.of(*in), cg_.of(*p));
      for (const Node *u : p->users())
        if (isTorch(*u))
          cg_.contract(cg_.of(*p), cg_.of(*u));
    }
  }

  /// Sends regions that do not pay for their conversions back to pure.
  void evict() {
    std::vector<std::vector<Node *>> regions(g_.idBound());
    std::vector<int> order;
    for (Node *n : g_.nodes())
      if (isTorch(*n)) {
        int r = cg_.of(*n);
        if (regions[r].empty())
          order.push_back(r);
        regions[r].push_back(n);
      }
    for (int r : order) {
      double saving = -profile_.regionLaunchS, conversions = 0, pureTime = 0;
      bool forced = false;
      std::vector<const Node *> crossing;
      for (Node *n : regions[r]) {
        auto [pure, torch] = costs(*n);
        saving += pure - torch;
        pureTime += pure;
        forced |= thresholdOf(opts_, n->opName()).has_value();
        for (const Node *in : n->inputs())
          if (!inRegion(*in, r))
            crossing.push_back(in);
        if (isOutput_[n->id()] || std::any_of(n->users().begin(), n->users().end(),
                                              [&](const Node *u) { return !inRegion(*u, r); }))
          crossing.push_back(n);
      }
      std::sort(crossing.begin(), crossing.end(),
                [](const Node *x, const Node *y) { return x->id() < y->id(); });
      crossing.erase(std::unique(crossing.begin(), crossing.end()), crossing.end());
      for (const Node *x : crossing)
        conversions += profile_.conversionCost(x->type().nbytes());
      std::string why;
      if (forced)
        continue; // a threshold overrides the estimate
      if (saving <= conversions)
        why = fmt::format("evicted to pure: region saves {} but conversions cost {}",
                          formatSeconds(saving), formatSeconds(conversions));
      else if (saving < opts_.minRegionSeconds)
        why = fmt::format("evicted to pure: region saves {}, below the minimum {}",
                          formatSeconds(saving), formatSeconds(opts_.minRegionSeconds));
      else if (saving - conversions < opts_.minRegionSavingFraction * pureTime)
        why = fmt::format("evicted to pure: region saves {} net of conversions, under {:.0f}% "
                          "of its {} on pure (too close to call)",
                          formatSeconds(saving - conversions),
                          100 * opts_.minRegionSavingFraction, formatSeconds(pureTime));
      else
        continue;
      for (Node *n : regions[r]) {
        n->setBackend(Backend::Pure);
        n->setReason(why);
      }
    }
  }

private:
  struct Delta {
    double seconds = 0; // change of the estimated total if p joins the region
    int removed = 0;    // conversions saved (net)
    double bytes = 0;   // net bytes of those conversions
  };

  bool inRegion(const Node &n, int r) { return isTorch(n) && cg_.of(n) == r; }

  std::pair<double, double> costs(const Node &n) const {
    if (n.costPure() == 0.0 && n.costTorch() == 0.0)
      return {profile_.estimateNode(n, Backend::Pure), profile_.estimateNode(n, Backend::Torch)};
    return {n.costPure(), n.costTorch()};
  }

  Delta delta(const Node &p, int r) {
    auto [pure, torch] = costs(p);
    Delta d;
    d.seconds = torch - pure;
    auto account = [&](const Node &v, int change) { // +1: one more conversion
      d.seconds += change * profile_.conversionCost(v.type().nbytes());
      d.removed -= change;
      d.bytes -= change * static_cast<double>(v.type().nbytes());
    };
    std::vector<const Node *> operands(p.inputs().begin(), p.inputs().end());
    std::sort(operands.begin(), operands.end());
    operands.erase(std::unique(operands.begin(), operands.end()), operands.end());
    for (const Node *x : operands) {
      bool otherOutside = isOutput_[x->id()] != 0, otherInside = false;
      for (const Node *u : x->users())
        if (u != &p)
          (inRegion(*u, r) ? otherInside : otherOutside) = true;
      if (inRegion(*x, r) && !otherOutside)
        account(*x, -1); // its from_torch existed only for p
      else if (!inRegion(*x, r) && !otherInside)
        account(*x, +1); // the region must now convert it in
    }
    bool usedInside = false, usedOutside = isOutput_[p.id()] != 0;
    for (const Node *u : p.users())
      (inRegion(*u, r) ? usedInside : usedOutside) = true;
    if (usedInside)
      account(p, -1); // no to_torch of p any more
    if (usedOutside)
      account(p, +1); // p's value now leaves the region
    return d;
  }

  Graph &g_;
  ClusterGraph &cg_;
  const PartitionOptions &opts_;
  const CostProfile &profile_;
  std::vector<char> isOutput_;
};

} // namespace

bool MergeRegionsPass::run(Graph &g) {
  std::vector<std::pair<Backend, int>> before;
  before.reserve(g.size());
  for (const Node *n : g.nodes()) {
    if (n->info().category == OpCategory::Conversion)
      throw Error(fmt::format("merge-regions: {} ({}) is a conversion node; merge-regions runs "
                              "before insert-conversions",
                              nodeRef(g, *n), n->opName()));
    before.emplace_back(n->backend(), n->region());
  }

  ClusterGraph cg(g);
  // Structural merging along torch-torch edges, in topological order; an
  // edge refused because of a torch detour may succeed once that detour has
  // joined, so refused edges are retried until nothing changes.
  std::vector<std::pair<const Node *, const Node *>> edges, refused;
  for (const Node *v : g.nodes())
    if (isTorch(*v))
      for (const Node *u : v->inputs())
        if (isTorch(*u))
          edges.emplace_back(u, v);
  for (bool progress = true; progress && !edges.empty();) {
    progress = false;
    refused.clear();
    for (auto [u, v] : edges) {
      if (cg.of(*u) == cg.of(*v))
        continue;
      if (cg.contract(cg.of(*u), cg.of(*v)))
        progress = true;
      else
        refused.emplace_back(u, v);
    }
    edges.swap(refused);
  }

  if (opts_.mode == Mode::Auto) {
    Adjuster adjust(g, cg, opts_);
    adjust.absorb();
    adjust.evict();
  }

  // Dense region ids in order of first node.
  std::vector<int> regionOf(g.size(), -1);
  int next = 0;
  bool changed = false;
  size_t i = 0;
  for (Node *n : g.nodes()) {
    int r = -1;
    if (isTorch(*n)) {
      int c = cg.of(*n);
      if (regionOf[c] < 0)
        regionOf[c] = next++;
      r = regionOf[c];
    }
    n->setRegion(r);
    changed |= before[i] != std::make_pair(n->backend(), r);
    ++i;
  }
  return changed;
}

} // namespace duet
