//===- tests/autodiff/torch_autograd_test.cpp - duet vs LibTorch autograd -===//
//
// The reference is torch's own autograd (TorchBackend::referenceGradients):
// every finite-difference case of the gradient table, rebuilt in f32, must
// give duet's gradients (buildGradients, run by the pure interpreter) within
// |duet - torch| <= 1e-4 |torch| + 1e-5 max(1, max |torch grad|); and one
// SGD step of an MLP and a CNN (Trainer, pure mode) must land where
// p - lr * (torch's gradient of the same loss graph) puts them.
//
#include "backends/torch_backend.h"
#include "frontend/nn/layers.h"
#include "frontend/nn/trainer.h"
#include "frontend/optim/optimizer.h"
#include "frontend/program.h"
#include "passes/autodiff.h"
#include "tests/autodiff/grad_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace duet::test {
namespace {

constexpr double kRtol = 1e-4, kAtol = 1e-5;

Buffer toF32(const Buffer &b) {
  if (b.dtype() != DType::F64)
    return b;
  Buffer r = Buffer::allocate(DType::F32, b.shape());
  for (int64_t i = 0; i < b.numel(); ++i)
    r.data<float>()[i] = static_cast<float>(b.data<double>()[i]);
  return r;
}

/// The case's f64 graph rebuilt in f32 (inputs, casts and constants), with
/// its feeds converted; nullptr when the f32 graph cannot be built.
struct F32Case {
  std::unique_ptr<Graph> g = std::make_unique<Graph>("f32");
  std::map<const Node *, Buffer> feeds;
  std::vector<Node *> wrt;
  Node *out = nullptr;
};

std::unique_ptr<F32Case> toF32Case(CaseGraph &cg, Node *out) {
  auto c = std::make_unique<F32Case>();
  std::map<const Node *, Node *> map;
  for (Node *n : cg.graph().nodes()) {
    if (n->op() == OpKind::Input || n->op() == OpKind::Param) {
      TensorType t = n->type();
      if (t.dtype == DType::F64)
        t.dtype = DType::F32;
      Node *m = n->op() == OpKind::Input ? c->g->addInput(n->name(), t)
                                          : c->g->addParam(n->name(), t);
      c->feeds[m] = toF32(cg.feeds().at(n));
      map[n] = m;
      continue;
    }
    Attributes a = n->attrs();
    if (a.has("dtype") && a.getString("dtype") == "f64")
      a.set("dtype", std::string("f32"));
    std::vector<Node *> ins;
    for (Node *in : n->inputs())
      ins.push_back(map.at(in));
    map[n] = c->g->addChecked(n->op(), std::move(ins), std::move(a));
  }
  for (Node *w : cg.wrt())
    c->wrt.push_back(map.at(w));
  c->out = map.at(out);
  return c;
}

struct Stats {
  int trials = 0;
  int64_t elements = 0;
};

/// One trial; false if the random configuration was invalid.
bool compareOnce(const GradCase &gc, uint64_t seed, Stats &st) {
  CaseGraph cg(seed);
  std::unique_ptr<F32Case> c;
  try {
    Node *out = gc.build(cg);
    c = toF32Case(cg, out);
  } catch (const Error &) {
    return false;
  }
  Graph &g = *c->g;
  // loss = sum(out * R), R random: every output element weighs differently.
  Rng rng(seed ^ 0x5eed);
  Node *r = g.addInput("r", c->out->type());
  Buffer rb = Buffer::allocate(r->type());
  for (int64_t i = 0; i < rb.numel(); ++i)
    rb.data<float>()[i] = static_cast<float>(rng.uniform(-2, 2));
  c->feeds[r] = rb;
  Node *loss = g.addChecked(OpKind::Sum, {g.addChecked(OpKind::Mul, {c->out, r})});
  g.setOutputs({loss});
  std::vector<Node *> grads = buildGradients(g, loss, c->wrt);
  std::map<const Node *, Buffer> values = evaluate(g.nodes(), c->feeds);
  if (!std::isfinite(values.at(loss).at(0)))
    return false; // e.g. a max-pool window wholly in the padding

  std::vector<Buffer> fed;
  for (const auto *list : {&g.inputs(), &g.params()})
    for (const Node *n : *list)
      fed.push_back(c->feeds.at(n));
  std::vector<const Node *> wrt(c->wrt.begin(), c->wrt.end());
  std::vector<Buffer> ref = torchBackend()->referenceGradients(g, fed, wrt);
  ++st.trials;
  for (size_t w = 0; w < wrt.size(); ++w) {
    const Buffer &ad = values.at(grads[w]);
    EXPECT_EQ(ad.type(), ref[w].type());
    double scale = 1;
    for (int64_t i = 0; i < ref[w].numel(); ++i)
      scale = std::max(scale, std::abs(ref[w].at(i)));
    for (int64_t i = 0; i < ref[w].numel(); ++i) {
      ++st.elements;
      const double want = ref[w].at(i), got = ad.at(i);
      const double tol = kRtol * std::abs(want) + kAtol * scale;
      if (!(std::abs(got - want) <= tol)) {
        ADD_FAILURE() << fmt::format("d loss / d {}[{}]: duet {:.9g}, torch autograd {:.9g} "
                                     "(tolerance {:.3g})\n",
                                     wrt[w]->name(), i, got, want, tol)
                      << g.str();
        return true;
      }
    }
  }
  return true;
}

void compareTable(const std::vector<GradCase> &cases) {
  if (!torchBackend())
    GTEST_SKIP() << kNoTorchMessage;
  int64_t total = 0;
  for (const GradCase &gc : cases) {
    SCOPED_TRACE("case " + gc.name);
    Stats st;
    uint64_t seed = std::hash<std::string>{}(gc.name) + 17;
    int attempts = 0;
    while (st.trials < gc.trials && attempts < gc.trials * 20)
      compareOnce(gc, seed + static_cast<uint64_t>(attempts++) * 0x9e3779b9ULL, st);
    EXPECT_EQ(st.trials, gc.trials) << "the case rarely builds a valid f32 graph";
    EXPECT_GT(st.elements, 0);
    total += st.elements;
  }
  std::printf("%zu cases, %lld gradient elements compared with torch autograd\n", cases.size(),
              static_cast<long long>(total));
}

TEST(TorchAutograd, Elementwise) { compareTable(elementwiseGradCases()); }
TEST(TorchAutograd, ContractionsReductionsMovement) { compareTable(structuralGradCases()); }
TEST(TorchAutograd, ConvPoolNormIndexLoss) { compareTable(nnGradCases()); }

/// The reference is independent of duet: a wrong gradient must be caught.
TEST(TorchAutograd, ReferenceIsHandChecked) {
  if (!torchBackend())
    GTEST_SKIP() << kNoTorchMessage;
  Graph g("hand");
  Node *x = g.addInput("x", {DType::F32, {3}});
  Node *w = g.addParam("w", {DType::F32, {3}});
  // loss = sum(tanh(x) * w * w): d/dw = 2 w tanh(x), d/dx = w^2 (1 - tanh^2 x).
  // An intermediate value (tanh x: d/dt = w^2; d/dx stays the total
  // derivative, as in buildGradients) and one the loss does not reach
  // (exp x: zeros) may be asked for too.
  Node *t = g.addChecked(OpKind::Tanh, {x});
  Node *unused = g.addChecked(OpKind::Exp, {x});
  Node *loss = g.addChecked(
      OpKind::Sum, {g.addChecked(OpKind::Mul, {t, g.addChecked(OpKind::Mul, {w, w})})});
  g.setOutputs({loss});
  std::vector<Buffer> in{Buffer::fromVector<float>({3}, {0.5f, -1.f, 2.f}),
                         Buffer::fromVector<float>({3}, {1.5f, 2.f, -0.25f})};
  std::vector<Buffer> gr = torchBackend()->referenceGradients(g, in, {w, x, t, unused});
  for (int64_t i = 0; i < 3; ++i) {
    double xv = in[0].at(i), wv = in[1].at(i), tv = std::tanh(xv);
    EXPECT_NEAR(gr[0].at(i), 2 * wv * tv, 1e-6);
    EXPECT_NEAR(gr[1].at(i), wv * wv * (1 - tv * tv), 1e-6);
    EXPECT_NEAR(gr[2].at(i), wv * wv, 1e-6);
    EXPECT_EQ(gr[3].at(i), 0.0);
  }
  // A loss of more than one element is refused with a message.
  g.setOutputs({t});
  EXPECT_THROW(torchBackend()->referenceGradients(g, in, {w}), Error);
}

//===- one SGD step of whole models ---------------------------------------===//

constexpr double kLr = 0.1, kStepRtol = 1e-4, kStepAtol = 1e-6;

/// Trains one step in duet (pure mode) and checks every parameter against
/// p0 - lr * torch's gradient of the same loss graph at p0.
void checkOneStep(std::shared_ptr<nn::Module> model, const Buffer &x, const Buffer &y) {
  if (!torchBackend())
    GTEST_SKIP() << kNoTorchMessage;
  nn::TrainerOptions opts;
  opts.compile.mode = Mode::Pure;
  opts.seed = 7;
  nn::Trainer trainer(model, nn::crossEntropyLoss, std::make_shared<optim::SGD>(kLr), opts);
  const ParamStore before = trainer.params();

  // The loss graph, recorded by the same modules.
  GraphBuilder b("loss");
  Tensor xt = b.input("x", x.dtype(), x.shape());
  Tensor yt = b.input("y", y.dtype(), y.shape());
  nn::ForwardContext ctx(b, true);
  model->train();
  Tensor loss = nn::crossEntropyLoss(model->forward(ctx, xt), yt);
  std::unique_ptr<Graph> g = b.graph({loss});
  std::vector<Buffer> fed{x, y};
  std::vector<const Node *> wrt;
  for (const Node *p : g->params()) {
    fed.push_back(before.at(p->name()));
    wrt.push_back(p);
  }
  ASSERT_FALSE(wrt.empty());
  std::vector<Buffer> ref = torchBackend()->referenceGradients(*g, fed, wrt);

  nn::StepResult r = trainer.step(x, y);
  EXPECT_TRUE(std::isfinite(r.loss));
  int64_t moved = 0;
  for (size_t k = 0; k < wrt.size(); ++k) {
    const std::string &name = wrt[k]->name();
    const Buffer &p0 = before.at(name), &p1 = trainer.params().at(name);
    for (int64_t i = 0; i < p0.numel(); ++i) {
      double want = p0.at(i) - kLr * ref[k].at(i);
      ASSERT_NEAR(p1.at(i), want, kStepRtol * std::abs(want) + kStepAtol)
          << name << "[" << i << "], gradient " << ref[k].at(i);
      moved += p1.at(i) != p0.at(i);
    }
  }
  EXPECT_GT(moved, 0) << "the step changed no parameter";
  std::printf("%zu parameter tensors, %lld elements moved as torch says\n", wrt.size(),
              static_cast<long long>(moved));
}

Buffer randomF32(Rng &rng, Shape s) {
  Buffer b = Buffer::allocate(DType::F32, std::move(s));
  for (int64_t i = 0; i < b.numel(); ++i)
    b.data<float>()[i] = static_cast<float>(rng.uniform(-1, 1));
  return b;
}

Buffer labels(Rng &rng, int64_t n, int64_t classes) {
  Buffer b = Buffer::allocate(DType::I64, {n});
  for (int64_t i = 0; i < n; ++i)
    b.data<int64_t>()[i] = rng.range(0, classes - 1);
  return b;
}

TEST(TorchAutogradStep, MlpSgdStepMatchesTorch) {
  Rng rng(11);
  auto model = std::make_shared<nn::Sequential>(std::vector<std::shared_ptr<nn::Module>>{
      std::make_shared<nn::Linear>(20, 32), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Linear>(32, 16), std::make_shared<nn::Tanh>(),
      std::make_shared<nn::Linear>(16, 5)});
  checkOneStep(model, randomF32(rng, {8, 20}), labels(rng, 8, 5));
}

TEST(TorchAutogradStep, CnnSgdStepMatchesTorch) {
  Rng rng(12);
  auto model = std::make_shared<nn::Sequential>(std::vector<std::shared_ptr<nn::Module>>{
      std::make_shared<nn::Conv2d>(2, 4, 3, 1, 1), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::MaxPool2d>(2), std::make_shared<nn::Conv2d>(4, 6, 3),
      std::make_shared<nn::GELU>(), std::make_shared<nn::Flatten>(),
      std::make_shared<nn::Linear>(6 * 2 * 2, 3)});
  checkOneStep(model, randomF32(rng, {4, 2, 8, 8}), labels(rng, 4, 3));
}

} // namespace
} // namespace duet::test
