//===- tests/pure/fused_test.cpp - fused_elementwise against the unfused interpreter ===//
//
// The reference is the node-by-node interpreter (itself checked against
// LibTorch by tests/torch/): random trees of elementwise ops over random
// broadcasting shapes and dtypes run both ways and must agree.
//
#include "fused_test_util.h"
#include "pure_test_util.h"

#include "backends/pure/threads.h"
#include "ir/fused_program.h"
#include "ir/parser.h"
#include "ir/verifier.h"
#include "passes/fuse_elementwise.h"
#include "passes/infer_shapes.h"

#include <cmath>
#include <cstring>
#include <map>
#include <random>

namespace duet {
namespace {

using namespace duet::test;

/// A random elementwise graph. Values are kept in pools by dtype; a value is
/// "exact" when only exactly-rounded ops made it, and only exact values feed
/// comparisons and float->bool casts, so a last-ulp difference of a
/// transcendental between the two kernels cannot flip a branch.
struct RandomCase {
  Graph g;
  std::map<const Node *, Buffer> feeds;
  std::string describe;

  explicit RandomCase(uint64_t seed) {
    std::mt19937_64 rng(seed);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
    const DType ft = pick(2) ? DType::F32 : DType::F64;
    // Output shape: rank 1-3; sometimes big enough for several blocks.
    Shape out;
    const int rank = 1 + pick(3);
    for (int d = 0; d < rank; ++d)
      out.push_back(1 + pick(pick(3) == 0 ? 40 : 7));
    if (pick(4) == 0)
      out.back() = 600 + pick(700);
    struct Val {
      Node *n;
      bool exact;
    };
    std::map<DType, std::vector<Val>> pool;
    const int numInputs = 1 + pick(4);
    for (int k = 0; k < numInputs; ++k) {
      Shape s;
      if (k > 0 && pick(4) == 0) {
        s = {}; // a scalar
      } else {
        const int drop = k == 0 ? 0 : pick(static_cast<int>(out.size()) + 1);
        for (size_t d = drop; d < out.size(); ++d)
          s.push_back(k > 0 && pick(3) == 0 ? 1 : out[d]);
      }
      DType t = k > 0 && pick(6) == 0 ? (ft == DType::F32 ? DType::F64 : DType::F32) : ft;
      Node *in = g.addInput("x" + std::to_string(k), {t, s});
      Buffer b = Buffer::allocate(in->type());
      std::uniform_real_distribution<double> u(-2.0, 2.0);
      for (int64_t i = 0; i < b.numel(); ++i) {
        double v = pick(20) == 0 ? 0.0 : u(rng);
        if (t == DType::F32)
          b.data<float>()[i] = static_cast<float>(v);
        else
          b.data<double>()[i] = v;
      }
      feeds[in] = b;
      pool[t].push_back({in, true});
    }
    const std::vector<OpKind> unary = {OpKind::Neg,  OpKind::Abs,       OpKind::Exp,
                                       OpKind::Log,  OpKind::Sqrt,      OpKind::Rsqrt,
                                       OpKind::Tanh, OpKind::Sigmoid,   OpKind::Relu,
                                       OpKind::Gelu, OpKind::LeakyRelu, OpKind::Clamp};
    const std::vector<OpKind> binary = {OpKind::Add, OpKind::Sub,     OpKind::Mul,    OpKind::Div,
                                        OpKind::Pow, OpKind::Maximum, OpKind::Minimum};
    const std::vector<OpKind> compare = {OpKind::Eq, OpKind::Ne, OpKind::Lt,
                                         OpKind::Le, OpKind::Gt, OpKind::Ge};
    auto exactOp = [](OpKind k) {
      return k == OpKind::Neg || k == OpKind::Abs || k == OpKind::Relu || k == OpKind::Clamp ||
             k == OpKind::Add || k == OpKind::Sub || k == OpKind::Mul || k == OpKind::Maximum ||
             k == OpKind::Minimum || k == OpKind::LeakyRelu;
    };
    auto any = [&](DType t, bool needExact) -> Val * {
      std::vector<Val *> c;
      for (Val &v : pool[t])
        if (v.exact || !needExact)
          c.push_back(&v);
      return c.empty() ? nullptr : c[pick(static_cast<int>(c.size()))];
    };
    const int steps = 2 + pick(12);
    Node *last = nullptr;
    for (int s = 0; s < steps; ++s) {
      const DType t = pool[DType::F64].empty()   ? DType::F32
                      : pool[DType::F32].empty() ? DType::F64
                      : pick(2)                  ? DType::F32
                                                 : DType::F64;
      const int kind = pick(10);
      try {
        Val v{nullptr, false};
        if (kind < 4) {
          OpKind op = unary[pick(static_cast<int>(unary.size()))];
          Val *x = any(t, false);
          Attributes a;
          if (op == OpKind::Clamp) {
            if (pick(2))
              a.set("min", -0.5);
            if (pick(2))
              a.set("max", 1.5);
          }
          if (op == OpKind::LeakyRelu)
            a.set("slope", 0.2);
          v = {g.addChecked(op, {x->n}, a), x->exact && exactOp(op)};
        } else if (kind < 7) {
          OpKind op = binary[pick(static_cast<int>(binary.size()))];
          Val *x = any(t, false), *y = any(t, false);
          v = {g.addChecked(op, {x->n, y->n}), x->exact && y->exact && exactOp(op)};
        } else if (kind == 7) {
          Val *x = any(t, true), *y = any(t, true);
          if (!x || !y)
            continue;
          v = {g.addChecked(compare[pick(6)], {x->n, y->n}), true};
        } else if (kind == 8 && !pool[DType::Bool].empty()) {
          Val *c = any(DType::Bool, false), *x = any(t, false), *y = any(t, false);
          v = {g.addChecked(OpKind::Where, {c->n, x->n, y->n}), x->exact && y->exact};
        } else {
          // A cast: f32 <-> f64 (exact only upward), bool -> float, float -> bool.
          const int which = pick(3);
          Val *x = which == 1 ? any(DType::Bool, false) : any(t, which == 2);
          if (!x)
            continue;
          DType to = which == 0   ? (t == DType::F32 ? DType::F64 : DType::F32)
                     : which == 1 ? t
                                  : DType::Bool;
          v = {g.addChecked(OpKind::Cast, {x->n}, attrs({{"dtype", std::string(dtypeName(to))}})),
               x->exact && (which != 0 || to == DType::F64)};
        }
        pool[v.n->dtype()].push_back(v);
        last = v.n;
      } catch (const Error &) {
        continue; // shapes did not broadcast: draw another step
      }
    }
    if (!last)
      last = g.addChecked(OpKind::Neg, {pool[ft].front().n});
    // Sometimes a sum or mean over the trailing axes (or all) ends the
    // graph: the fused loop accumulates it.
    if (last->dtype() != DType::Bool && pick(3) == 0) {
      const int rank = static_cast<int>(last->shape().size());
      const int from = pick(rank + 1); // reduce axes [from, rank); none listed: all
      std::vector<int64_t> axes;
      for (int d = from; d < rank; ++d)
        axes.push_back(pick(2) ? d : d - rank);
      Attributes a;
      if (from > 0 || pick(2))
        a.set("axes", axes);
      if (pick(2))
        a.set("keepdim", true);
      last = g.addChecked(pick(2) ? OpKind::Sum : OpKind::Mean, {last}, a);
    }
    g.addOutput(last);
    // Sometimes an intermediate value is an output too (a group must stop there).
    for (const Node *n : g.nodes())
      if (!n->isSource() && n != last && pick(8) == 0)
        g.addOutput(const_cast<Node *>(n));
    describe = g.str();
  }
};

TEST(FusedKernel, MatchesUnfusedOnRandomGraphs) {
  int fusedGraphs = 0, fusedReductions = 0;
  for (uint64_t seed = 1; seed <= 400; ++seed) {
    RandomCase c(seed);
    std::vector<Buffer> want = evalGraph(c.g, c.feeds);
    std::unique_ptr<Graph> fused = c.g.clone();
    FuseElementwisePass pass;
    if (pass.run(*fused))
      ++fusedGraphs;
    for (const Node *n : fused->nodes())
      if (n->op() == OpKind::FusedElementwise &&
          endsWithReduction(parseFusedProgram(n->attrs().getString("program"))))
        ++fusedReductions;
    ASSERT_NO_THROW(verifyOrThrow(*fused)) << c.describe;
    // The fused graph prints, parses back to the same text, and its types
    // are what infer-shapes derives.
    const std::string text = fused->str();
    EXPECT_EQ(parseGraph(text)->str(), text);
    EXPECT_FALSE(InferShapesPass().run(*fused)) << text;
    std::map<const Node *, Buffer> feeds;
    for (const auto &[n, b] : c.feeds)
      feeds[fused->findNamed(n->name())] = b;
    std::vector<Buffer> got = evalGraph(*fused, feeds);
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i)
      ASSERT_TRUE(close(got[i], want[i])) << "seed " << seed << " output " << i << "\n"
                                          << c.describe << "fused:\n"
                                          << fused->str();
  }
  EXPECT_GT(fusedGraphs, 200); // the generator mostly makes fusible groups
  EXPECT_GT(fusedReductions, 40); // and ends a third of them with a sum or mean
}

/// x*a+b, relu, *c, tanh, +x, sigmoid, -a, gelu, max(b), *x: the bench chain.
struct Chain {
  Graph g;
  Node *x, *a, *b, *c;
  explicit Chain(Shape s, DType t = DType::F32) {
    x = g.addInput("x", {t, s});
    a = g.addInput("a", {t, s});
    b = g.addInput("b", {t, {s.back()}});
    c = g.addInput("c", {t, {}});
    Node *v = g.addChecked(OpKind::Mul, {x, a});
    v = g.addChecked(OpKind::Add, {v, b});
    v = g.addChecked(OpKind::Relu, {v});
    v = g.addChecked(OpKind::Mul, {v, c});
    v = g.addChecked(OpKind::Tanh, {v});
    v = g.addChecked(OpKind::Add, {v, x});
    v = g.addChecked(OpKind::Sigmoid, {v});
    v = g.addChecked(OpKind::Sub, {v, a});
    v = g.addChecked(OpKind::Gelu, {v});
    v = g.addChecked(OpKind::Maximum, {v, b});
    g.addOutput(g.addChecked(OpKind::Mul, {v, x}));
  }
  std::map<const Node *, Buffer> feeds(const Graph &in) const {
    std::map<const Node *, Buffer> f;
    uint64_t seed = 1;
    for (const Node *n : {x, a, b, c})
      f[in.findNamed(n->name())] = ramp(n->dtype(), n->shape(), seed++);
    return f;
  }
};

TEST(FusedKernel, ThreadCountDoesNotChangeResults) {
  Chain chain({1024, 1024}); // above the threading threshold
  std::unique_ptr<Graph> fused = chain.g.clone();
  ASSERT_TRUE(FuseElementwisePass().run(*fused));
  ASSERT_EQ(fused->nodes().back()->op(), OpKind::FusedElementwise);
  const int before = pureThreads();
  setPureThreads(1);
  std::vector<Buffer> one = evalGraph(*fused, chain.feeds(*fused));
  setPureThreads(3);
  std::vector<Buffer> three = evalGraph(*fused, chain.feeds(*fused));
  setPureThreads(before);
  ASSERT_EQ(one[0].nbytes(), three[0].nbytes());
  EXPECT_EQ(std::memcmp(one[0].raw(), three[0].raw(), one[0].nbytes()), 0);
  EXPECT_TRUE(close(one[0], evalGraph(chain.g, chain.feeds(chain.g))[0]));
}

TEST(FusedKernel, GeluErfIsAccurate) {
  // The vectorized f32 erf behind gelu (backends/pure/math.h) against the
  // f64 formula, densely over [-10, 10]: within 4 ulp + 1e-6 absolute (the
  // absolute part: 1 + erf cancels for x < -2, where gelu is below 0.05).
  Graph g;
  const int64_t n = 200001;
  Node *x = g.addInput("x", {DType::F32, {n}});
  Node *y = g.addChecked(OpKind::Gelu, {x});
  Buffer in = Buffer::allocate(x->type());
  for (int64_t i = 0; i < n; ++i)
    in.data<float>()[i] = static_cast<float>(-10.0 + 20.0 * static_cast<double>(i) / (n - 1));
  Buffer out = evalPureNode(*y, std::vector<Buffer>{in});
  double worst = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double v = in.data<float>()[i];
    const double want = 0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0)));
    const double ulp = std::nextafter(static_cast<float>(std::fabs(want)), INFINITY) -
                       static_cast<float>(std::fabs(want));
    const double err = std::fabs(out.data<float>()[i] - want);
    worst = std::max(worst, err);
    // 1 + erf(x/sqrt2) cancels for x < -2: an error of ~1e-7 in erf becomes
    // |x| times that in gelu (larger without AVX, where Eigen's erf differs).
    ASSERT_LE(err, 4 * ulp + 5e-7 * std::max(1.0, std::fabs(v)))
        << "gelu(" << v << ") = " << out.data<float>()[i] << ", want " << want;
  }
  RecordProperty("worst_abs_error", std::to_string(worst));
}

TEST(FusedProgramText, RoundTripsAndRejectsBadPrograms) {
  const std::string text =
      "t0=mul(i0,i1); t1=clamp[max=6.0,min=-1.5](t0); t2=cast[dtype=f64](t1); t3=gt(t2,i2)";
  EXPECT_EQ(printFusedProgram(parseFusedProgram(text)), text);
  EXPECT_EQ(printFusedProgram(parseFusedProgram(" t0 = neg ( i0 ) ;t1=exp(t0) ")),
            "t0=neg(i0); t1=exp(t0)");
  auto error = [](std::string_view p) {
    try {
      parseFusedProgram(p);
    } catch (const Error &e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_EQ(error(""), "fused_elementwise: program: empty program");
  EXPECT_EQ(error("t1=neg(i0)"), "fused_elementwise: program: step 0 must be named t0, got 't1'");
  EXPECT_EQ(error("t0=matmul(i0,i1)"),
            "fused_elementwise: program: t0: 'matmul' is not an op a fused program can use");
  EXPECT_EQ(error("t0=neg(t0)"),
            "fused_elementwise: program: t0: operand 't0' is neither iK nor an earlier step");
  EXPECT_EQ(error("t0=neg(i0) t1=exp(t0)"),
            "fused_elementwise: program: expected ';' between steps");
  // A reduction: int lists and bools in attributes, only as the last step.
  const std::string reducing = "t0=mul(i0,i1); t1=mean[axes=[1,-1],keepdim=true](t0)";
  EXPECT_EQ(printFusedProgram(parseFusedProgram(reducing)), reducing);
  EXPECT_EQ(error("t0=sum(i0); t1=neg(t0)"),
            "fused_elementwise: program: t1: only the last step may be a reduction (sum is t0)");
  EXPECT_EQ(error("t0=neg(i0); t1=sum[axes=[0.5]](t0)"),
            "fused_elementwise: program: t1: attribute 'axes' lists a non-integer");
  // Types: each step's own rule, with the step named.
  std::vector<TensorType> in = {{DType::F32, {4}}, {DType::F32, {3}}};
  try {
    fusedStepTypes(parseFusedProgram("t0=add(i0,i1)"), in);
    ADD_FAILURE() << "no error";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("t0: add: "), std::string::npos) << e.what();
  }
  std::vector<TensorType> ints = {{DType::I64, {4}}};
  EXPECT_THROW(fusedStepTypes(parseFusedProgram("t0=neg(i0)"), ints), Error);
  EXPECT_THROW(fusedStepTypes(parseFusedProgram("t0=neg(i0); t1=exp(i0)"), ints), Error);
}

TEST(FusedKernel, RejectsAProgramThatDisagreesWithItsNode) {
  Graph g;
  Node *x = g.addInput("x", {DType::F32, {4}});
  Node *f = g.addNode(OpKind::FusedElementwise, {x},
                      attrs({{"program", std::string("t0=cast[dtype=f64](i0)")}}),
                      {DType::F32, {4}}, "f");
  try {
    evalPureNode(*f, std::vector<Buffer>{f32({4}, {1, 2, 3, 4})});
    ADD_FAILURE() << "no error";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("fused_elementwise %f: the program computes f64[4]"),
              std::string::npos)
        << e.what();
  }
}

} // namespace
} // namespace duet
