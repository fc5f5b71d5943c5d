//===- passes/inspect/dump_dot.cpp - the partitioned graph in Graphviz DOT ---------===//
//
// Torch regions are clusters (orange); pure nodes are blue boxes, sources
// grey ellipses, conversions red hexagons. Edges carry the value's type;
// an edge between different placements (a backend boundary) is red and
// thick. Long elementwise chains (one user each, same placement) collapse
// into one box so large graphs stay readable. The summary table is the
// graph's label, at the bottom.
//
#include "passes/inspect/dump_model.h"

#include "passes/cost_profile.h"

#include <fmt/format.h>

#include <map>

namespace duet::inspect {

namespace {

constexpr const char *kPureFill = "#d6eaf8", *kPureLine = "#2e86c1";
constexpr const char *kTorchFill = "#fad7a0", *kTorchLine = "#ca6f1e";
constexpr const char *kRegionFill = "#fdf2e9";
constexpr const char *kSourceFill = "#eeeeee";
constexpr const char *kConvFill = "#f5b7b1", *kBoundary = "#c0392b";

std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

/// Lines joined with DOT's centred line break.
std::string joinLines(const std::vector<std::string> &lines) {
  std::string out;
  for (const std::string &l : lines)
    out += (out.empty() ? "" : "\\n") + escape(l);
  return out;
}

bool samePlacement(const Node &a, const Node &b) {
  auto norm = [](const Node &n) {
    Backend b = n.backend() == Backend::Torch && !n.isSource() ? Backend::Torch : Backend::Pure;
    return std::make_pair(b, b == Backend::Torch ? n.region() : -1);
  };
  return norm(a) == norm(b);
}

/// Chains of elementwise nodes: chainOf[id] = index of the node's chain in
/// `chains`, or -1. Only chains of at least kMinChain nodes are kept.
struct Chains {
  std::vector<std::vector<const Node *>> chains;
  std::vector<int> chainOf;
};

Chains findChains(const Graph &g) {
  std::vector<char> isOutput(g.idBound(), 0);
  for (const Node *o : g.outputs())
    isOutput[o->id()] = 1;
  // next[u] = v: u's only use is v, both elementwise with the same placement.
  std::vector<const Node *> next(g.idBound(), nullptr), prev(g.idBound(), nullptr);
  for (const Node *u : g.nodes()) {
    if (!isElementwiseNode(*u) || isOutput[u->id()] || u->users().size() != 1)
      continue;
    const Node *v = u->users().front();
    if (isElementwiseNode(*v) && samePlacement(*u, *v) && !prev[v->id()]) {
      next[u->id()] = v;
      prev[v->id()] = u;
    }
  }
  Chains c;
  c.chainOf.assign(g.idBound(), -1);
  for (const Node *n : g.nodes()) {
    if (prev[n->id()] || !next[n->id()])
      continue;
    std::vector<const Node *> chain;
    for (const Node *m = n; m; m = next[m->id()])
      chain.push_back(m);
    if (chain.size() < kMinChain)
      continue;
    for (const Node *m : chain)
      c.chainOf[m->id()] = static_cast<int>(c.chains.size());
    c.chains.push_back(std::move(chain));
  }
  return c;
}

class DotWriter {
public:
  DotWriter(const DumpData &d, const DotOptions &opts) : d_(d), g_(*d.graph) {
    if (opts.collapse)
      chains_ = findChains(g_);
    else
      chains_.chainOf.assign(g_.idBound(), -1);
    isOutput_.assign(g_.idBound(), 0);
    for (const Node *o : g_.outputs())
      isOutput_[o->id()] = 1;
  }

  std::string run() {
    out_ += fmt::format("digraph \"{}\" {{\n", escape(g_.name()));
    out_ += "  graph [rankdir=TB, fontname=\"Helvetica\", fontsize=11, nodesep=0.3];\n";
    out_ += "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", "
            "fontsize=10];\n";
    out_ += "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#566573\"];\n";
    std::map<int, std::vector<const Node *>> regions;
    for (const Node *n : g_.nodes()) {
      if (!isVisible(*n))
        continue;
      if (n->backend() == Backend::Torch && !n->isSource() && n->region() >= 0)
        regions[n->region()].push_back(n);
      else
        emitNode(*n, "  ");
    }
    for (const auto &[id, members] : regions) {
      double est = 0;
      int compute = 0;
      for (const Node *n : g_.nodes())
        if (n->backend() == Backend::Torch && n->region() == id) {
          est += d_.chosenSeconds(*n);
          compute += isConversionNode(*n) ? 0 : 1;
        }
      out_ += fmt::format("  subgraph cluster_region_{} {{\n", id);
      out_ += fmt::format("    label=\"torch region {}\\n{} compute node{}, est. {}\"; "
                          "fontname=\"Helvetica\"; fontsize=11;\n",
                          id, compute, compute == 1 ? "" : "s", formatSeconds(est));
      out_ += fmt::format("    style=\"filled,rounded\"; fillcolor=\"{}\"; color=\"{}\"; "
                          "penwidth=2;\n",
                          kRegionFill, kTorchLine);
      for (const Node *n : members)
        emitNode(*n, "    ");
      out_ += "  }\n";
    }
    emitEdges();
    std::string summary;
    for (const std::string &l : summaryLines(d_))
      summary += escape(l) + "\\l";
    out_ += fmt::format("  graph [labelloc=b, labeljust=l, fontname=\"Courier\", fontsize=10, "
                        "label=\"{}\"];\n",
                        summary);
    out_ += "}\n";
    return std::move(out_);
  }

private:
  /// A collapsed chain is drawn once, as its first node.
  bool isVisible(const Node &n) const {
    int c = chains_.chainOf[n.id()];
    return c < 0 || chains_.chains[c].front() == &n;
  }

  std::string idOf(const Node &n) const {
    int c = chains_.chainOf[n.id()];
    return c < 0 ? fmt::format("n{}", n.id())
                 : fmt::format("chain{}", chains_.chains[c].front()->id());
  }

  void emitNode(const Node &n, const char *indent) {
    int c = chains_.chainOf[n.id()];
    if (c >= 0)
      return emitChain(chains_.chains[c], indent);
    std::vector<std::string> label;
    std::string attrs;
    const std::string output = isOutput_[n.id()] ? " (output)" : "";
    if (n.isSource()) {
      label = {d_.label(n) + output, fmt::format("{} {}", n.opName(), n.type().str())};
      attrs = fmt::format("shape=ellipse, fillcolor=\"{}\"", kSourceFill);
    } else if (isConversionNode(n)) {
      int64_t bytes = n.type().nbytes();
      label = {fmt::format("{} = {}{}", d_.label(n), n.opName(), output),
               fmt::format("{}, est. {}", formatBytes(static_cast<double>(bytes)),
                           formatSeconds(d_.profile->conversionCost(bytes)))};
      attrs = fmt::format("shape=hexagon, fillcolor=\"{}\", color=\"{}\", penwidth=2", kConvFill,
                          kBoundary);
    } else {
      bool torch = n.backend() == Backend::Torch;
      label = {fmt::format("{} = {}{}", d_.label(n), n.opName(), output), n.type().str(),
               fmt::format("pure {} | torch {}", formatSeconds(d_.pureSeconds(n)),
                           formatSeconds(d_.torchSeconds(n)))};
      if (d_.explain && !n.reason().empty())
        label.push_back(shortReason(d_, n));
      attrs = fmt::format("fillcolor=\"{}\", color=\"{}\"", torch ? kTorchFill : kPureFill,
                          torch ? kTorchLine : kPureLine);
    }
    if (isOutput_[n.id()])
      attrs += ", peripheries=2";
    out_ += fmt::format("{}{} [label=\"{}\", tooltip=\"{}\", {}];\n", indent, idOf(n),
                        joinLines(label), escape(shortReason(d_, n)), attrs);
  }

  void emitChain(const std::vector<const Node *> &chain, const char *indent) {
    const Node &first = *chain.front(), &last = *chain.back();
    std::string ops;
    for (size_t i = 0; i < chain.size(); ++i) {
      if (chain.size() > 6 && i == 3) {
        ops += " -> ...";
        i = chain.size() - 3;
        continue;
      }
      ops += (i ? " -> " : "") + std::string(chain[i]->opName());
    }
    double pure = 0, torch = 0;
    for (const Node *n : chain) {
      pure += d_.pureSeconds(*n);
      torch += d_.torchSeconds(*n);
    }
    bool isTorch = first.backend() == Backend::Torch;
    std::vector<std::string> label = {
        fmt::format("{} elementwise ops: {} .. {}", chain.size(), d_.label(first), d_.label(last)),
        ops, last.type().str(),
        fmt::format("pure {} | torch {}", formatSeconds(pure), formatSeconds(torch))};
    if (isOutput_[last.id()])
      label.front() += " (output)";
    out_ += fmt::format("{}{} [label=\"{}\", tooltip=\"{}\", style=\"rounded,filled,bold\", "
                        "fillcolor=\"{}\", color=\"{}\"{}];\n",
                        indent, idOf(first), joinLines(label), escape(shortReason(d_, first)),
                        isTorch ? kTorchFill : kPureFill, isTorch ? kTorchLine : kPureLine,
                        isOutput_[last.id()] ? ", peripheries=2" : "");
  }

  void emitEdges() {
    for (const Node *v : g_.nodes()) {
      for (size_t i = 0; i < v->numInputs(); ++i) {
        const Node &u = *v->input(i);
        if (idOf(u) == idOf(*v))
          continue; // inside a collapsed chain
        std::string label = u.type().str();
        std::string attrs;
        if (!samePlacement(u, *v)) {
          label += "\\n" + formatBytes(static_cast<double>(u.type().nbytes()));
          attrs = fmt::format(", color=\"{0}\", fontcolor=\"{0}\", penwidth=2.5, style=bold",
                              kBoundary);
        }
        out_ += fmt::format("  {} -> {} [label=\"{}\"{}];\n", idOf(u), idOf(*v), label, attrs);
      }
    }
  }

  const DumpData &d_;
  const Graph &g_;
  Chains chains_;
  std::vector<char> isOutput_;
  std::string out_;
};

} // namespace

std::string emitDot(const DumpData &d, const DotOptions &opts) { return DotWriter(d, opts).run(); }

} // namespace duet::inspect
