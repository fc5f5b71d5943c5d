//===- tests/autodiff/mlp_test.cpp - whole models: gradients and SGD ------===//
//
// An MLP and a small CNN with cross-entropy: the gradients of all their
// parameters match finite differences (f64), and a few steps of plain SGD
// (written here, updating the fed parameter buffers) make the MLP's loss fall.
//
#include "passes/autodiff.h"
#include "tests/autodiff/grad_check.h"

#include <cmath>

namespace duet::test {
namespace {

Buffer randomBuffer(Rng &rng, const TensorType &t, double scale) {
  Buffer b = Buffer::allocate(t);
  for (int64_t i = 0; i < b.numel(); ++i)
    b.data<double>()[i] = rng.uniform(-scale, scale);
  return b;
}

/// Max |ad - fd| / (|fd| + 1e-6 * max(1, |loss|)) over every element of every parameter.
double worstRelativeError(const std::vector<Node *> &forward, Node *loss,
                          std::map<const Node *, Buffer> feeds, const std::vector<Node *> &params,
                          const std::vector<Buffer> &grads) {
  double worst = 0;
  for (size_t p = 0; p < params.size(); ++p) {
    Buffer base = feeds.at(params[p]);
    for (int64_t i = 0; i < base.numel(); ++i) {
      const double x0 = base.at(i), h = 1e-6 * std::max(1.0, std::abs(x0));
      auto lossAt = [&](double v) {
        Buffer b = base.clone();
        b.data<double>()[i] = v;
        feeds[params[p]] = b;
        return evaluate(forward, feeds).at(loss).at(0);
      };
      double fd = (lossAt(x0 + h) - lossAt(x0 - h)) / (2 * h);
      feeds[params[p]] = base;
      worst = std::max(worst, std::abs(grads[p].at(i) - fd) / (std::abs(fd) + 1e-8));
    }
  }
  return worst;
}

struct Model {
  Graph g{"model"};
  std::vector<Node *> params;
  std::map<const Node *, Buffer> feeds;
  Node *loss = nullptr;
  Rng rng{42};

  Node *param(const std::string &name, Shape s, double scale) {
    Node *n = g.addParam(name, {DType::F64, std::move(s)});
    feeds[n] = randomBuffer(rng, n->type(), scale);
    params.push_back(n);
    return n;
  }
  Node *op(OpKind k, std::vector<Node *> ins, Attributes a = {}) {
    return g.addChecked(k, std::move(ins), std::move(a));
  }
};

/// Blobs: class c's points scattered around a centre per class, so a small
/// MLP separates them.
void makeData(Model &m, Node *x, Node *target, int64_t n, int64_t features, int64_t classes) {
  Buffer xs = Buffer::allocate(x->type()), ts = Buffer::allocate(target->type());
  for (int64_t i = 0; i < n; ++i) {
    int64_t c = i % classes;
    ts.data<int64_t>()[i] = c;
    for (int64_t f = 0; f < features; ++f)
      xs.data<double>()[i * features + f] =
          (f % classes == c ? 1.5 : -0.5) + m.rng.uniform(-0.5, 0.5);
  }
  m.feeds[x] = xs;
  m.feeds[target] = ts;
}

TEST(AutodiffModels, MlpGradientsMatchFiniteDifferencesAndSgdLearns) {
  Model m;
  const int64_t n = 12, features = 5, hidden = 7, classes = 3;
  Node *x = m.g.addInput("x", {DType::F64, {n, features}});
  Node *target = m.g.addInput("target", {DType::I64, {n}});
  makeData(m, x, target, n, features, classes);
  Node *w1 = m.param("w1", {hidden, features}, 0.5), *b1 = m.param("b1", {hidden}, 0.1);
  Node *w2 = m.param("w2", {classes, hidden}, 0.5), *b2 = m.param("b2", {classes}, 0.1);
  Node *h = m.op(OpKind::Tanh, {m.op(OpKind::Linear, {x, w1, b1})});
  Node *logits = m.op(OpKind::Linear, {h, w2, b2});
  m.loss = m.op(OpKind::CrossEntropy, {logits, target});
  const std::vector<Node *> forward = m.g.nodes();
  std::vector<Node *> gradNodes = buildGradients(m.g, m.loss, m.params);

  auto step = [&]() {
    auto values = evaluate(m.g.nodes(), m.feeds);
    std::vector<Buffer> grads;
    for (Node *gn : gradNodes)
      grads.push_back(values.at(gn));
    return std::make_pair(values.at(m.loss).at(0), grads);
  };
  auto [loss0, grads0] = step();
  EXPECT_LT(worstRelativeError(forward, m.loss, m.feeds, m.params, grads0), 1e-6);

  // Plain SGD: p -= lr * grad, 40 steps.
  double loss = loss0;
  for (int it = 0; it < 40; ++it) {
    auto [l, grads] = step();
    EXPECT_LE(l, loss + 1e-12) << "step " << it; // small lr: the loss never rises
    loss = l;
    for (size_t p = 0; p < m.params.size(); ++p) {
      Buffer next = m.feeds.at(m.params[p]).clone();
      for (int64_t i = 0; i < next.numel(); ++i)
        next.data<double>()[i] -= 0.3 * grads[p].at(i);
      m.feeds[m.params[p]] = next;
    }
  }
  EXPECT_LT(loss, 0.35 * loss0) << "initial " << loss0;
}

TEST(AutodiffModels, CnnGradientsMatchFiniteDifferences) {
  Model m;
  Node *x = m.g.addInput("x", {DType::F64, {2, 2, 6, 6}});
  Node *target = m.g.addInput("target", {DType::I64, {2}});
  m.feeds[x] = randomBuffer(m.rng, x->type(), 1.0);
  m.feeds[target] = Buffer::fromVector<int64_t>({2}, {1, 0});
  Attributes conv;
  conv.set("padding", std::vector<int64_t>{1, 1});
  conv.set("stride", std::vector<int64_t>{1, 2});
  Node *c =
      m.op(OpKind::Conv2d, {x, m.param("cw", {4, 2, 3, 3}, 0.4), m.param("cb", {4}, 0.1)}, conv);
  Attributes pool;
  pool.set("kernel", std::vector<int64_t>{2, 2});
  pool.set("ceil_mode", true);
  Node *p = m.op(OpKind::MaxPool2d, {m.op(OpKind::Gelu, {c})}, pool);
  Node *bn = m.op(OpKind::BatchNorm, {p, m.param("mean", {4}, 0.1), m.param("var", {4}, 0.1),
                                      m.param("gamma", {4}, 1.0), m.param("beta", {4}, 0.1)});
  // var in (0.9, 1.1): a valid variance.
  Buffer var = m.feeds.at(m.params[3]).clone();
  for (int64_t i = 0; i < var.numel(); ++i)
    var.data<double>()[i] += 1.0;
  m.feeds[m.params[3]] = var;
  Attributes flat;
  flat.set("shape", std::vector<int64_t>{2, -1});
  Node *f = m.op(OpKind::Reshape, {bn}, flat);
  Node *logits = m.op(OpKind::Linear, {f, m.param("fw", {3, f->shape()[1]}, 0.3)});
  m.loss = m.op(OpKind::CrossEntropy, {logits, target});
  const std::vector<Node *> forward = m.g.nodes();
  std::vector<Node *> gradNodes = buildGradients(m.g, m.loss, m.params);
  auto values = evaluate(m.g.nodes(), m.feeds);
  std::vector<Buffer> grads;
  for (Node *gn : gradNodes)
    grads.push_back(values.at(gn));
  double worst = worstRelativeError(forward, m.loss, m.feeds, m.params, grads);
  EXPECT_LT(worst, 1e-5);
}

} // namespace
} // namespace duet::test
