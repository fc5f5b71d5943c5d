//===- frontend/tensor.cpp - the lazy tensor handle -----------------------===//
#include "frontend/tensor.h"

#include "frontend/materialize.h"
#include "frontend/trace_context.h"
#include "ir/graph.h"

#include <fmt/format.h>

#include <cmath>
#include <numbers>
#include <ostream>

namespace duet {

namespace {

const Node &checked(const Node *n) {
  if (!n)
    throw Error("use of an undefined Tensor (default-constructed, never assigned an op)");
  return *n;
}

} // namespace

Tensor::Tensor(std::shared_ptr<TraceContext> ctx, Node *node) : ctx_(std::move(ctx)), node_(node) {}

const TensorType &Tensor::type() const { return checked(node_).type(); }
const Shape &Tensor::shape() const { return type().shape; }
DType Tensor::dtype() const { return type().dtype; }
int64_t Tensor::rank() const { return type().rank(); }
int64_t Tensor::numel() const { return type().numel(); }
int64_t Tensor::size(int64_t axis) const { return shape()[normalizeAxis(axis, rank())]; }

Buffer Tensor::data() const {
  checked(node_);
  if (ctx_->isBuilder() && !ctx_->valueOf(node_))
    throw Error("tensor " + type().str() + " of " + ctx_->describe() +
                " has no value: build a Program and run it");
  return materialize(*ctx_, node_);
}

bool Tensor::hasValue() const { return node_ && ctx_->valueOf(node_) != nullptr; }

double Tensor::item() const {
  if (numel() != 1)
    throw Error("item() needs a tensor with exactly one element, got " + type().str());
  return data().at(0);
}

//===----------------------------------------------------------------------===//
// Printing
//===----------------------------------------------------------------------===//

namespace {

constexpr int64_t kPrintAll = 64; // print every element up to this many
constexpr int64_t kEdge = 3;      // else this many at each end of each dim

std::string formatElement(DType t, double v) {
  if (t == DType::Bool)
    return v != 0 ? "true" : "false";
  if (t == DType::I64)
    return fmt::format("{}", static_cast<int64_t>(v));
  return fmt::format("{:.6g}", v);
}

void printDim(std::ostream &os, const Buffer &b, size_t dim, int64_t offset, bool truncate) {
  const Shape &s = b.shape();
  if (dim == s.size()) {
    os << formatElement(b.dtype(), b.at(offset));
    return;
  }
  int64_t stride = 1;
  for (size_t d = dim + 1; d < s.size(); ++d)
    stride *= s[d];
  os << '[';
  bool skip = truncate && s[dim] > 2 * kEdge;
  for (int64_t i = 0; i < s[dim]; ++i) {
    if (skip && i == kEdge) {
      os << ", ...";
      i = s[dim] - kEdge;
    }
    if (i > 0)
      os << ", ";
    printDim(os, b, dim + 1, offset + i * stride, truncate);
  }
  os << ']';
}

} // namespace

std::ostream &operator<<(std::ostream &os, const Tensor &t) {
  if (!t.defined())
    return os << "Tensor(undefined)";
  os << "Tensor " << t.type().str() << ' ';
  if (t.context()->isBuilder() && !t.hasValue())
    return os << "(symbolic, " << t.context()->describe() << ')';
  Buffer b = t.data();
  printDim(os, b, 0, 0, b.numel() > kPrintAll);
  return os;
}

//===----------------------------------------------------------------------===//
// Leaves
//===----------------------------------------------------------------------===//

Tensor tensor(Buffer value) {
  if (!value.defined())
    throw Error("tensor(): the buffer is undefined");
  const auto &ctx = defaultContext();
  return Tensor(ctx, ctx->addLeaf(std::move(value)));
}

Tensor full(Shape shape, double value, DType dtype) {
  return tensor(Buffer::full(TensorType{dtype, std::move(shape)}, value));
}
Tensor zeros(Shape shape, DType dtype) { return full(std::move(shape), 0.0, dtype); }
Tensor ones(Shape shape, DType dtype) { return full(std::move(shape), 1.0, dtype); }
Tensor scalar(double value, DType dtype) { return full({}, value, dtype); }

namespace {

uint64_t splitmix64(uint64_t &state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// Box-Muller over splitmix64 rather than <random>'s distributions, whose
/// output differs between standard libraries.
double standardNormal(uint64_t &state) {
  double u1 = 1.0 - static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53; // (0, 1]
  double u2 = static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

} // namespace

Tensor randn(Shape shape, DType dtype, uint64_t seed) {
  if (!isFloating(dtype))
    throw Error("randn: dtype must be f32 or f64, got " + std::string(dtypeName(dtype)));
  Buffer b = Buffer::allocate(TensorType{dtype, std::move(shape)});
  uint64_t state = seed;
  for (int64_t i = 0; i < b.numel(); ++i) {
    double v = standardNormal(state);
    if (dtype == DType::F32)
      b.data<float>()[i] = static_cast<float>(v);
    else
      b.data<double>()[i] = v;
  }
  return tensor(std::move(b));
}

} // namespace duet
