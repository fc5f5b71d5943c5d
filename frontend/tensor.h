//===- frontend/tensor.h - the lazy tensor handle ---------------*- C++ -*-===//
//
// A Tensor names one node of a TraceContext's graph. Ops (frontend/ops.h)
// only record nodes; nothing is computed until a value is asked for with
// data(), item(), toVector() or operator<<. Then the subgraph the tensor
// depends on is compiled (through the plan cache) and run; data leaves are
// fed as graph inputs, so a second materialization of the same structure with
// new values reuses the compiled plan.
//
#pragma once

#include "backends/buffer.h"
#include "ir/dtype.h"
#include "ir/error.h"
#include "ir/shape.h"

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace duet {

class Node;
class TraceContext;

class Tensor {
public:
  /// An undefined tensor (used for "no bias" and the like).
  Tensor() = default;
  Tensor(std::shared_ptr<TraceContext> ctx, Node *node);

  bool defined() const { return node_ != nullptr; }
  Node *node() const { return node_; }
  const std::shared_ptr<TraceContext> &context() const { return ctx_; }

  /// Static type, known as soon as the op is recorded.
  const TensorType &type() const;
  const Shape &shape() const;
  DType dtype() const;
  int64_t rank() const;
  int64_t numel() const;
  /// Size of dimension `axis` (negative counts from the end).
  int64_t size(int64_t axis) const;

  /// Computes (once; the value is cached in the context) and returns the
  /// value. Throws duet::Error for tensors of a GraphBuilder, which have no
  /// values until the built Program runs.
  Buffer data() const;
  /// The single element as a double; throws unless numel() == 1.
  double item() const;
  /// All elements converted to T.
  template <class T> std::vector<T> toVector() const;
  /// Whether the value is already known (a data leaf or materialized).
  bool hasValue() const;

  /// Records the gradient of this tensor (a float tensor of one element)
  /// with respect to every float leaf it depends on (data leaves, graph
  /// inputs and params), lazily, in the same graph; a second backward() adds
  /// to the gradients already recorded, as in PyTorch. See frontend/autograd.h.
  void backward() const;
  /// The gradient recorded for this leaf by backward(); an undefined Tensor
  /// when there is none (not a leaf, or the loss did not depend on it).
  Tensor grad() const;

private:
  std::shared_ptr<TraceContext> ctx_;
  Node *node_ = nullptr;
};

/// "Tensor f32[2,3] [[1, 2, 3], [4, 5, 6]]" (long tensors are truncated).
std::ostream &operator<<(std::ostream &os, const Tensor &t);

/// Leaf tensors holding data, recorded in the calling thread's default
/// context (see trace_context.h).
Tensor tensor(Buffer value);
template <class T> Tensor fromVector(Shape shape, const std::vector<T> &values);
Tensor full(Shape shape, double value, DType dtype = DType::F32);
Tensor zeros(Shape shape, DType dtype = DType::F32);
Tensor ones(Shape shape, DType dtype = DType::F32);
/// Standard normal samples; the same seed gives the same values.
Tensor randn(Shape shape, DType dtype = DType::F32, uint64_t seed = 0);
/// A rank-0 tensor.
Tensor scalar(double value, DType dtype = DType::F32);

//===----------------------------------------------------------------------===//
// Template definitions
//===----------------------------------------------------------------------===//

template <class T> std::vector<T> Tensor::toVector() const {
  Buffer b = data();
  std::vector<T> out;
  out.reserve(static_cast<size_t>(b.numel()));
  for (int64_t i = 0; i < b.numel(); ++i)
    out.push_back(static_cast<T>(b.at(i)));
  return out;
}

template <class T> Tensor fromVector(Shape shape, const std::vector<T> &values) {
  TensorType type{DTypeOf<T>::value, std::move(shape)};
  if (static_cast<int64_t>(values.size()) != type.numel())
    throw Error("fromVector: " + std::to_string(values.size()) + " values do not fill " +
                type.str());
  Buffer b = Buffer::allocate(type);
  T *p = b.data<T>();
  for (size_t i = 0; i < values.size(); ++i)
    p[i] = values[i];
  return tensor(std::move(b));
}

} // namespace duet
