//===- tests/autodiff/grad_check.cpp - finite-difference gradient checks --===//
#include "tests/autodiff/grad_check.h"

#include "backends/pure/interpreter.h"
#include "ir/error.h"
#include "passes/autodiff.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace duet::test {

uint64_t Rng::next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

int64_t Rng::range(int64_t lo, int64_t hi) {
  auto span = static_cast<uint64_t>(hi - lo) + 1;
  return lo + static_cast<int64_t>(next() % span);
}

double Rng::uniform(double lo, double hi) {
  return lo + (hi - lo) * (static_cast<double>(next() >> 11) * 0x1.0p-53);
}

Node *CaseGraph::input(Shape s, Fill fill, bool wrt, DType t) {
  std::vector<double> v(static_cast<size_t>(numel(s)));
  for (double &x : v) {
    switch (fill) {
    case Fill::Normal: x = rng_.uniform(-2, 2); break;
    case Fill::Positive: x = rng_.uniform(0.5, 2); break;
    case Fill::AwayFromZero: x = (rng_.coin() ? 1 : -1) * rng_.uniform(0.2, 2); break;
    }
  }
  return input(std::move(s), std::move(v), wrt, t);
}

Node *CaseGraph::input(Shape s, std::vector<double> values, bool wrt, DType t) {
  Node *n = graph_->addInput(fmt::format("x{}", graph_->inputs().size()), {t, std::move(s)});
  Buffer b = Buffer::allocate(n->type());
  for (size_t i = 0; i < values.size(); ++i) {
    if (t == DType::F64)
      b.data<double>()[i] = values[i];
    else if (t == DType::F32)
      b.data<float>()[i] = static_cast<float>(values[i]);
    else
      b.data<int64_t>()[i] = static_cast<int64_t>(values[i]);
  }
  feeds_[n] = b;
  if (wrt)
    wrt_.push_back(n);
  return n;
}

Node *CaseGraph::indices(Shape s, int64_t limit) {
  Node *n =
      graph_->addInput(fmt::format("i{}", graph_->inputs().size()), {DType::I64, std::move(s)});
  Buffer b = Buffer::allocate(n->type());
  for (int64_t i = 0; i < b.numel(); ++i)
    b.data<int64_t>()[i] = rng_.range(0, limit - 1);
  feeds_[n] = b;
  return n;
}

Node *CaseGraph::mask(Shape s) {
  Node *n =
      graph_->addInput(fmt::format("m{}", graph_->inputs().size()), {DType::Bool, std::move(s)});
  Buffer b = Buffer::allocate(n->type());
  for (int64_t i = 0; i < b.numel(); ++i)
    b.data<bool>()[i] = rng_.coin();
  feeds_[n] = b;
  return n;
}

Node *CaseGraph::op(OpKind k, std::vector<Node *> ins, Attributes attrs) {
  return graph_->addChecked(k, std::move(ins), std::move(attrs));
}

Shape CaseGraph::shape(int minRank, int maxRank, int64_t maxDim) {
  Shape s(static_cast<size_t>(rng_.range(minRank, maxRank)));
  for (int64_t &d : s)
    d = rng_.range(1, maxDim);
  return s;
}

Shape CaseGraph::broadcastable(const Shape &s) {
  Shape r(s.begin() + rng_.range(0, static_cast<int64_t>(s.size())), s.end());
  for (int64_t &d : r)
    if (rng_.coin(0.4))
      d = 1;
  return r;
}

std::map<const Node *, Buffer> evaluate(const std::vector<Node *> &nodes,
                                        const std::map<const Node *, Buffer> &feeds) {
  std::map<const Node *, Buffer> values = feeds;
  for (const Node *n : nodes) {
    if (n->op() == OpKind::Input || n->op() == OpKind::Param) {
      if (!values.count(n))
        throw Error("evaluate: no value fed for " + n->name());
      continue;
    }
    std::vector<Buffer> operands;
    for (const Node *in : n->inputs())
      operands.push_back(values.at(in));
    values[n] = evalPureNode(*n, operands);
  }
  return values;
}

namespace {

int64_t compared_ = 0; // gradient elements checked by the current case

/// One trial: returns false if the random configuration was invalid.
bool checkOnce(const GradCase &c, uint64_t seed, double rtol, double atol) {
  CaseGraph cg(seed);
  Node *out;
  try {
    out = c.build(cg);
  } catch (const Error &) {
    return false;
  }
  Graph &g = cg.graph();
  // loss = sum(out * R): every output element gets its own random weight.
  Node *r = cg.input(out->shape(), Fill::Normal, /*wrt=*/false, out->dtype());
  Node *loss = cg.op(OpKind::Sum, {cg.op(OpKind::Mul, {out, r})});
  const std::vector<Node *> forward = g.nodes();
  std::vector<Node *> grads = buildGradients(g, loss, cg.wrt());
  std::map<const Node *, Buffer> values = evaluate(g.nodes(), cg.feeds());
  const double lossValue = values.at(loss).at(0);
  if (!std::isfinite(lossValue))
    return false; // e.g. a max-pool window wholly in the padding gives -inf

  for (size_t w = 0; w < cg.wrt().size(); ++w) {
    Node *x = cg.wrt()[w];
    Buffer fed = cg.feeds().at(x);
    const Buffer &ad = values.at(grads[w]);
    EXPECT_EQ(ad.type(), x->type());
    for (int64_t i = 0; i < fed.numel(); ++i) {
      const double x0 = fed.at(i), h = 1e-6 * std::max(1.0, std::abs(x0));
      auto lossAt = [&](double v) {
        Buffer b = fed.clone();
        b.data<double>()[i] = v;
        std::map<const Node *, Buffer> feeds = cg.feeds();
        feeds[x] = b;
        return evaluate(forward, feeds).at(loss).at(0);
      };
      const double fd = (lossAt(x0 + h) - lossAt(x0 - h)) / (2 * h);
      const double got = ad.at(i);
      ++compared_;
      const double tol = rtol * std::abs(fd) + atol * std::max(1.0, std::abs(lossValue));
      if (!(std::abs(got - fd) <= tol)) {
        ADD_FAILURE() << fmt::format("d loss / d {}[{}]: autodiff {:.12g}, finite difference "
                                     "{:.12g} (tolerance {:.3g})\n",
                                     x->name(), i, got, fd, tol)
                      << g.str();
        return true;
      }
    }
  }
  return true;
}

} // namespace

void checkCase(const GradCase &c, double rtol, double atol) {
  SCOPED_TRACE("case " + c.name);
  uint64_t seed = std::hash<std::string>{}(c.name);
  int done = 0, attempts = 0;
  compared_ = 0;
  while (done < c.trials && attempts < c.trials * 20)
    if (checkOnce(c, seed + static_cast<uint64_t>(attempts++) * 0x9e3779b9ULL, rtol, atol))
      ++done;
  EXPECT_EQ(done, c.trials) << "the case rarely builds a valid graph";
  EXPECT_GT(compared_, 0) << "no gradient element was checked";
  if (std::getenv("DUET_GRAD_VERBOSE"))
    std::printf("%s: %lld gradient elements checked\n", c.name.c_str(), (long long)compared_);
}

} // namespace duet::test
