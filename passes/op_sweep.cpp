//===- passes/op_sweep.cpp - representative single-op graphs --------------===//
//
// Shapes follow the layers the examples and typical CNN/MLP/transformer
// graphs use: rows of 128-256 features, bias rows broadcast over a batch,
// 3x3 convolutions over 8 images of 16 channels, 2x2 pooling.
//
#include "passes/op_sweep.h"

#include "ir/error.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace duet {

namespace {

constexpr int64_t kK = 1024;

class Builder {
public:
  explicit Builder(OpKind op) : g_(std::make_unique<Graph>(std::string(opName(op)))), op_(op) {}

  Node *in(Shape s, DType t = DType::F32) {
    return g_->addInput(fmt::format("x{}", count_++), {t, std::move(s)});
  }
  OpCase finish(std::vector<Node *> operands, Attributes attrs = {}) {
    Node *n = g_->addChecked(op_, std::move(operands), std::move(attrs), "y");
    g_->setOutputs({n});
    return {std::move(g_), n};
  }

private:
  std::unique_ptr<Graph> g_;
  OpKind op_;
  int count_ = 0;
};

Attributes attrs(std::initializer_list<std::pair<std::string, AttrValue>> items) {
  Attributes a;
  for (const auto &[k, v] : items)
    a.set(k, v);
  return a;
}

/// [rows, cols] with rows * cols <= s (at least one row; fewer columns when s is small).
Shape rowsOf(int64_t s, int64_t cols) {
  if (s < cols)
    return {1, std::max<int64_t>(s, 1)};
  return {s / cols, cols};
}

std::vector<SweepPoint> points(std::initializer_list<int64_t> sizes, int variant = 0) {
  std::vector<SweepPoint> out;
  for (int64_t s : sizes)
    out.push_back({s, variant});
  return out;
}

void append(std::vector<SweepPoint> &to, const std::vector<SweepPoint> &more) {
  to.insert(to.end(), more.begin(), more.end());
}

[[noreturn]] void noVariant(OpKind op, int variant) {
  throw Error(fmt::format("{}: the tuning family has no variant {}", opName(op), variant));
}

OpCase elementwise(OpKind op, int64_t s, int variant) {
  Builder b(op);
  const OpCategory cat = opInfo(op).category;
  Shape full = {s};
  if (variant == 1 && (cat == OpCategory::Binary || cat == OpCategory::Compare) &&
      op != OpKind::GeluGrad) {
    full = rowsOf(s, 256); // x[rows,256] op bias[256]
    return b.finish({b.in(full), b.in({full[1]})});
  }
  if (variant != 0)
    noVariant(op, variant);
  switch (op) {
  case OpKind::Clamp: return b.finish({b.in(full)}, attrs({{"min", -0.5}, {"max", 0.5}}));
  case OpKind::Cast: return b.finish({b.in(full)}, attrs({{"dtype", std::string("f64")}}));
  case OpKind::Where: return b.finish({b.in(full, DType::Bool), b.in(full), b.in(full)});
  default: break;
  }
  if (cat == OpCategory::Unary)
    return b.finish({b.in(full)});
  return b.finish({b.in(full), b.in(full)});
}

OpCase contraction(OpKind op, int64_t n, int variant) {
  Builder b(op);
  if (variant > 1)
    noVariant(op, variant);
  int64_t rows = variant == 0 ? n : 64;
  if (op == OpKind::Matmul)
    return b.finish({b.in({rows, n}), b.in({n, n})});
  return b.finish({b.in({rows, n}), b.in({n, n}), b.in({n})});
}

OpCase reduction(OpKind op, int64_t s, int variant) {
  Builder b(op);
  const bool softmax = op == OpKind::Softmax || op == OpKind::LogSoftmax;
  if (variant > 1)
    noVariant(op, variant);
  if (softmax)
    return b.finish({b.in(rowsOf(s, variant == 0 ? 128 : 1024))});
  if (op == OpKind::Argmax)
    return variant == 0 ? b.finish({b.in(rowsOf(s, 128))}, attrs({{"axis", int64_t{1}}}))
                        : b.finish({b.in({s})}, attrs({{"axis", int64_t{0}}}));
  return variant == 0 ? b.finish({b.in(rowsOf(s, 128))}, attrs({{"axes", std::vector<int64_t>{1}}}))
                      : b.finish({b.in({s})}, attrs({{"axes", std::vector<int64_t>{}}}));
}

OpCase movement(OpKind op, int64_t s) {
  Builder b(op);
  switch (op) {
  case OpKind::Reshape:
  case OpKind::View: {
    Shape to = rowsOf(s, 16);
    return b.finish({b.in({to[0] * to[1]})}, attrs({{"shape", to}}));
  }
  case OpKind::Transpose: {
    int64_t r = std::max<int64_t>(1, std::llround(std::sqrt(static_cast<double>(s))));
    return b.finish({b.in({r, r})}, attrs({{"dim0", int64_t{0}}, {"dim1", int64_t{1}}}));
  }
  case OpKind::Permute: {
    int64_t rows = std::max<int64_t>(1, s / 256);
    return b.finish({b.in({rows, 16, 16})}, attrs({{"dims", std::vector<int64_t>{2, 0, 1}}}));
  }
  case OpKind::BroadcastTo:
  case OpKind::Expand: {
    Shape to = rowsOf(s, 256); // a bias row broadcast over a batch
    return b.finish({b.in({1, to[1]})}, attrs({{"shape", to}}));
  }
  case OpKind::Concat: {
    Shape half = rowsOf(s, 128);
    half[1] = std::max<int64_t>(1, half[1] / 2);
    return b.finish({b.in(half), b.in(half)}, attrs({{"axis", int64_t{1}}}));
  }
  case OpKind::Slice: {
    Shape out = rowsOf(s, 128);
    return b.finish({b.in({2 * out[0], out[1]})},
                    attrs({{"axis", int64_t{0}}, {"start", int64_t{0}}, {"end", out[0]}}));
  }
  default: break;
  }
  throw Error(fmt::format("{}: no tuning family", opName(op)));
}

// Spatial ops over x[8,16,h,h] (conv2d has more variants).
OpCase spatial(OpKind op, int64_t h, int variant) {
  Builder b(op);
  const Shape pad1 = {1, 1}, k3 = {3, 3}, k2 = {2, 2};
  if (variant != 0 && op != OpKind::Conv2d)
    noVariant(op, variant);
  switch (op) {
  case OpKind::Conv2d: {
    // 16->16 over 8 images; a first RGB layer 3->16; a deep layer 64->64 on
    // one image; a first grey-scale layer 1->8 (MNIST-like).
    static constexpr int64_t kBatch[] = {8, 8, 1, 8}, kIn[] = {16, 3, 64, 1},
                             kOut[] = {16, 16, 64, 8};
    if (variant > 3)
      noVariant(op, variant);
    int64_t n = kBatch[variant], c = kIn[variant], o = kOut[variant];
    return b.finish({b.in({n, c, h, h}), b.in({o, c, 3, 3}), b.in({o})},
                    attrs({{"padding", pad1}}));
  }
  case OpKind::Conv2dGradInput:
    return b.finish({b.in({8, 16, h, h}), b.in({16, 16, 3, 3})},
                    attrs({{"padding", pad1}, {"input_size", Shape{h, h}}}));
  case OpKind::Conv2dGradWeight:
    return b.finish({b.in({8, 16, h, h}), b.in({8, 16, h, h})},
                    attrs({{"padding", pad1}, {"kernel_size", k3}}));
  case OpKind::BatchNorm: {
    Node *x = b.in({8, 16, h, h});
    return b.finish({x, b.in({16}), b.in({16}), b.in({16}), b.in({16})});
  }
  default: break;
  }
  int64_t even = std::max<int64_t>(2, h - h % 2);
  switch (op) {
  case OpKind::MaxPool2d:
  case OpKind::AvgPool2d: return b.finish({b.in({8, 16, even, even})}, attrs({{"kernel", k2}}));
  case OpKind::AdaptiveAvgPool2d:
    return b.finish({b.in({8, 16, h, h})}, attrs({{"output_size", Shape{1, 1}}}));
  case OpKind::MaxPool2dGrad:
    return b.finish({b.in({8, 16, even / 2, even / 2}), b.in({8, 16, even, even})},
                    attrs({{"kernel", k2}}));
  case OpKind::AvgPool2dGrad:
    return b.finish({b.in({8, 16, even / 2, even / 2})},
                    attrs({{"kernel", k2}, {"input_size", Shape{even, even}}}));
  case OpKind::AdaptiveAvgPool2dGrad:
    return b.finish({b.in({8, 16, 1, 1})}, attrs({{"input_size", Shape{h, h}}}));
  default: break;
  }
  throw Error(fmt::format("{}: no tuning family", opName(op)));
}

OpCase rowwise(OpKind op, int64_t s) {
  Builder b(op);
  switch (op) {
  case OpKind::LayerNorm: {
    Shape x = {std::max<int64_t>(1, s / 256), 256};
    return b.finish({b.in(x), b.in({256}), b.in({256})});
  }
  case OpKind::Embedding:
    return b.finish({b.in({std::max<int64_t>(1, s / 64)}, DType::I64), b.in({1000, 64})});
  case OpKind::Gather: {
    Shape x = {std::max<int64_t>(1, s / 64), 64};
    return b.finish({b.in(x), b.in(x, DType::I64)}, attrs({{"axis", int64_t{1}}}));
  }
  case OpKind::ScatterAdd: {
    Shape x = {std::max<int64_t>(1, s / 64), 64};
    return b.finish({b.in(x), b.in(x, DType::I64), b.in(x)}, attrs({{"axis", int64_t{1}}}));
  }
  case OpKind::MseLoss: return b.finish({b.in({s}), b.in({s})});
  case OpKind::CrossEntropy: {
    int64_t rows = std::max<int64_t>(1, s / 100);
    return b.finish({b.in({rows, 100}), b.in({rows}, DType::I64)});
  }
  default: break;
  }
  throw Error(fmt::format("{}: no tuning family", opName(op)));
}

enum class Family { Numel, Matrix, Spatial };

Family familyOf(OpKind op) {
  switch (opInfo(op).category) {
  case OpCategory::Contraction: return Family::Matrix;
  case OpCategory::Convolution:
  case OpCategory::Pooling: return Family::Spatial;
  default: return op == OpKind::BatchNorm ? Family::Spatial : Family::Numel;
  }
}

bool hasBiasVariant(OpKind op) {
  OpCategory cat = opInfo(op).category;
  return (cat == OpCategory::Binary || cat == OpCategory::Compare) && op != OpKind::GeluGrad;
}

} // namespace

OpCase buildOpCase(OpKind op, int64_t size, int variant) {
  const OpInfo &info = opInfo(op);
  if (info.category == OpCategory::Source || info.category == OpCategory::Conversion ||
      info.category == OpCategory::Collective || info.category == OpCategory::Fused)
    throw Error(fmt::format("{}: sources, conversions and collectives are not tuned", info.name));
  size = std::max<int64_t>(size, 1);
  switch (info.category) {
  case OpCategory::Unary:
  case OpCategory::Binary:
  case OpCategory::Compare:
  case OpCategory::Ternary: return elementwise(op, size, variant);
  case OpCategory::Contraction: return contraction(op, size, variant);
  case OpCategory::Reduction: return reduction(op, size, variant);
  case OpCategory::Movement:
    if (variant != 0)
      noVariant(op, variant);
    return movement(op, size);
  case OpCategory::Convolution:
  case OpCategory::Pooling: return spatial(op, size, variant);
  case OpCategory::Normalization:
    if (op == OpKind::BatchNorm)
      return spatial(op, size, variant);
    if (op == OpKind::LayerNorm) {
      if (variant != 0)
        noVariant(op, variant);
      return rowwise(op, size);
    }
    return reduction(op, size, variant); // softmax, log_softmax
  default:
    if (variant != 0)
      noVariant(op, variant);
    return rowwise(op, size);
  }
}

std::vector<SweepPoint> sweepPoints(OpKind op, bool quick) {
  std::vector<SweepPoint> out;
  switch (familyOf(op)) {
  case Family::Matrix:
    out = quick ? points({16, 64, 256}) : points({16, 32, 64, 128, 256, 512, 1024});
    append(out, quick ? points({256}, 1) : points({128, 512, 1024}, 1));
    return out;
  case Family::Spatial:
    if (op == OpKind::Conv2d) {
      out = quick ? points({8, 28}) : points({4, 8, 16, 28, 56});
      append(out, quick ? points({32}, 1) : points({16, 32, 64}, 1));
      append(out, quick ? points({14}, 2) : points({7, 14, 28}, 2));
      append(out, quick ? points({28}, 3) : points({14, 28, 56}, 3));
      return out;
    }
    if (opInfo(op).category == OpCategory::Convolution)
      return quick ? points({8, 28}) : points({4, 8, 16, 28, 56});
    // Dense where CNN feature maps live (14-56): pooling slows down by
    // steps there on some machines (caches), and a fit needs to see them.
    return quick ? points({8, 24, 64}) : points({4, 8, 12, 16, 20, 24, 28, 32, 48, 64, 128});
  case Family::Numel: break;
  }
  if (quick)
    out = points({kK, 32 * kK, kK * kK});
  else
    out = points({kK, 4 * kK, 16 * kK, 64 * kK, 256 * kK, kK * kK, 4 * kK * kK});
  OpCategory cat = opInfo(op).category;
  bool twoVariants = hasBiasVariant(op) || cat == OpCategory::Reduction || op == OpKind::Softmax ||
                     op == OpKind::LogSoftmax;
  if (twoVariants)
    append(out, quick ? points({64 * kK}, 1) : points({4 * kK, 64 * kK, kK * kK}, 1));
  return out;
}

std::vector<OpKind> tunableOps() {
  std::vector<OpKind> out;
  for (const OpInfo &info : allOps())
    if (info.category != OpCategory::Source && info.category != OpCategory::Conversion &&
        info.category != OpCategory::Collective && // all_reduce's time is the network's
        info.category != OpCategory::Fused)        // made after partitioning
      out.push_back(info.kind);
  return out;
}

std::string sizeMeaning(OpKind op) {
  switch (op) {
  case OpKind::Matmul: return "n: [n,n] x [n,n]";
  case OpKind::Linear: return "n: x[n,n], w[n,n], b[n]";
  case OpKind::Conv2d: return "h: x[8,16,h,h], 3x3 16->16";
  case OpKind::Conv2dGradInput:
  case OpKind::Conv2dGradWeight: return "h: g[8,16,h,h], 3x3 16->16";
  case OpKind::BatchNorm: return "h: x[8,16,h,h]";
  case OpKind::MaxPool2d:
  case OpKind::AvgPool2d:
  case OpKind::MaxPool2dGrad:
  case OpKind::AvgPool2dGrad: return "h: x[8,16,h,h], 2x2";
  case OpKind::AdaptiveAvgPool2d:
  case OpKind::AdaptiveAvgPool2dGrad: return "h: x[8,16,h,h] -> 1x1";
  default: return "numel";
  }
}

int64_t maxFamilySize(OpKind op) {
  switch (familyOf(op)) {
  case Family::Matrix: return 1 << 16;
  case Family::Spatial: return 1 << 12;
  case Family::Numel: break;
  }
  return int64_t{1} << 32;
}

int64_t maxOperandNumel(const Node &n) {
  int64_t m = n.type().numel();
  for (const Node *in : n.inputs())
    m = std::max(m, in->type().numel());
  return m;
}

} // namespace duet
