//===- passes/fuse_elementwise.cpp - "fuse-elementwise" -------------------===//
#include "passes/fuse_elementwise.h"

#include "ir/fused_program.h"
#include "ir/graph.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace duet {

namespace {

/// Whether a sum/mean reduces the trailing axes of its operand (or all):
/// then result element r is the reduction of operand elements
/// [r * len, (r + 1) * len), which the fused loop can accumulate as it goes.
bool reducesTrailingAxes(const Node &n) {
  const int64_t rank = static_cast<int64_t>(n.input(0)->shape().size());
  const std::vector<int64_t> axes = n.attrs().getInts("axes", {});
  std::vector<bool> reduced(static_cast<size_t>(rank), axes.empty());
  for (int64_t a : axes) {
    a = a < 0 ? a + rank : a;
    if (a < 0 || a >= rank)
      return false;
    reduced[static_cast<size_t>(a)] = true;
  }
  const auto first = std::find(reduced.begin(), reduced.end(), true);
  return std::all_of(first, reduced.end(), [](bool r) { return r; });
}

/// A node the fused kernel can run, placed where fusion may touch it. A
/// reduction only ends a group (fusibleRoot).
bool fusible(const Node &n) {
  if (!isFusibleOp(n.op()) || isFusedReduction(n.op()) || n.backend() == Backend::Torch ||
      n.region() >= 0 || !isFusibleDType(n.dtype()))
    return false;
  return std::all_of(n.inputs().begin(), n.inputs().end(),
                     [](const Node *in) { return isFusibleDType(in->dtype()); });
}

/// A node a group may end with: any fusible node, or a float sum/mean over
/// trailing axes (its operand's elements are the loop's).
bool fusibleRoot(const Node &n) {
  if (!isFusedReduction(n.op()))
    return fusible(n);
  return n.backend() != Backend::Torch && n.region() < 0 &&
         (n.dtype() == DType::F32 || n.dtype() == DType::F64) && reducesTrailingAxes(n);
}

bool isOutput(const Graph &g, const Node *n) {
  return std::find(g.outputs().begin(), g.outputs().end(), n) != g.outputs().end();
}

/// Step attributes as the program prints them: numbers as floats, so the
/// text parses back to the same attributes.
Attributes programAttrs(const Attributes &a) {
  Attributes out;
  for (const auto &[key, value] : a.items()) {
    if (const int64_t *i = std::get_if<int64_t>(&value))
      out.set(key, static_cast<double>(*i));
    else
      out.set(key, value);
  }
  return out;
}

struct Group {
  Node *root;
  std::vector<Node *> members; // in graph order, root last
};

/// Grows a group from `root` into its producers (see the header).
Group grow(const Graph &g, Node *root, std::vector<char> &taken,
           const std::vector<size_t> &position) {
  std::vector<char> inGroup(g.idBound(), 0);
  std::vector<Node *> members{root}, work{root};
  inGroup[root->id()] = 1;
  // Members have the loop's size: a reduction's operand's, else the root's.
  const int64_t size =
      isFusedReduction(root->op()) ? root->input(0)->type().numel() : root->type().numel();
  while (!work.empty()) {
    Node *n = work.back();
    work.pop_back();
    for (Node *p : n->inputs()) {
      if (inGroup[p->id()] || taken[p->id()] || !fusible(*p) || isOutput(g, p) ||
          p->type().numel() != size || p->backend() != root->backend())
        continue;
      const auto &users = p->users();
      if (!std::all_of(users.begin(), users.end(),
                       [&](const Node *u) { return inGroup[u->id()] != 0; }))
        continue;
      inGroup[p->id()] = 1;
      members.push_back(p);
      work.push_back(p);
    }
  }
  std::sort(members.begin(), members.end(),
            [&](const Node *a, const Node *b) { return position[a->id()] < position[b->id()]; });
  for (Node *m : members)
    taken[m->id()] = 1;
  return {root, std::move(members)};
}

/// Replaces the group by one fused_elementwise node (appended; the caller
/// moves it to the root's place).
Node *fuse(Graph &g, const Group &grp) {
  std::map<const Node *, int> ref; // member or external operand -> program reference
  std::vector<Node *> operands;
  FusedProgram program;
  double costPure = 0, costTorch = 0;
  std::string ops;
  for (size_t s = 0; s < grp.members.size(); ++s) {
    Node *m = grp.members[s];
    FusedStep step{m->op(), programAttrs(m->attrs()), {}};
    for (Node *in : m->inputs()) {
      auto [it, fresh] = ref.try_emplace(in, static_cast<int>(operands.size()));
      if (fresh)
        operands.push_back(in);
      step.args.push_back(it->second);
    }
    ref[m] = FusedProgram::stepRef(static_cast<int>(s));
    program.steps.push_back(std::move(step));
    costPure += m->costPure();
    costTorch += m->costTorch();
    ops += (ops.empty() ? "" : ", ") + std::string(m->opName());
  }
  Node *root = grp.root;
  Attributes attrs;
  attrs.set("program", printFusedProgram(program));
  std::string name = root->name();
  root->setName("");
  Node *fused = g.addNode(OpKind::FusedElementwise, operands, std::move(attrs), root->type(),
                          std::move(name));
  fused->setBackend(root->backend());
  fused->setCosts(costPure, costTorch);
  fused->setReason(fmt::format("fused {} elementwise nodes into one loop ({}){}",
                               grp.members.size(), ops,
                               root->reason().empty() ? "" : "; root: " + root->reason()));
  g.replaceAllUsesWith(root, fused);
  return fused;
}

} // namespace

bool FuseElementwisePass::run(Graph &g) {
  if (!enabled_)
    return false;
  std::vector<size_t> position(g.idBound(), 0);
  const std::vector<Node *> order = g.nodes();
  for (size_t i = 0; i < order.size(); ++i)
    position[order[i]->id()] = i;
  std::vector<char> taken(g.idBound(), 0);
  std::vector<Group> groups;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    Node *n = *it;
    if (taken[n->id()] || !fusibleRoot(*n))
      continue;
    Group grp = grow(g, n, taken, position);
    if (grp.members.size() >= 2)
      groups.push_back(std::move(grp));
  }
  if (groups.empty())
    return false;
  std::vector<Node *> dead;
  std::vector<Node *> fusedAt(g.idBound(), nullptr); // root id -> its fused node
  for (const Group &grp : groups) {
    fusedAt[grp.root->id()] = fuse(g, grp);
    dead.insert(dead.end(), grp.members.begin(), grp.members.end());
  }
  // Each fused node takes its root's place: its operands come before the
  // group's first member and its users after the root, so the order stays
  // topological and dumps read like the input.
  std::vector<char> isDead(g.idBound(), 0);
  for (Node *n : dead)
    isDead[n->id()] = 1;
  std::vector<Node *> newOrder;
  for (Node *n : order)
    if (fusedAt[n->id()])
      newOrder.push_back(fusedAt[n->id()]);
    else if (!isDead[n->id()])
      newOrder.push_back(n);
  g.eraseNodes(dead);
  g.setOrder(std::move(newOrder));
  return true;
}

} // namespace duet
