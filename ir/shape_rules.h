//===- ir/shape_rules.h - per-op type rules (internal to ir/) ---*- C++ -*-===//
//
// The shape/dtype rules behind OpInfo::inferType, grouped by op family. Each
// rule takes the op kind so one rule serves a family ("add" and "mul") and
// still names the op in its errors. docs/ops.md is the specification.
//
#pragma once

#include "ir/op_registry.h"

#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>

namespace duet::rules {

using Types = std::span<const TensorType>;
using Rule = TensorType (*)(OpKind, Types, const Attributes &);

// Shared checks; each throws duet::Error("<op>: ...").
[[noreturn]] void fail(OpKind k, const std::string &msg);
void requireDType(OpKind k, Types in, size_t i, std::initializer_list<DType> allowed);
void requireFloat(OpKind k, Types in, size_t i);
void requireSameDType(OpKind k, const TensorType &a, const TensorType &b);
void requireRank(OpKind k, Types in, size_t i, int64_t rank);
/// Normalizes a possibly negative axis (a scalar accepts 0 and -1, as torch).
int64_t axis(OpKind k, int64_t axis, const TensorType &t, std::string_view attr = "axis");
/// NumPy broadcasting with the op's error message.
Shape broadcast(OpKind k, const TensorType &a, const TensorType &b);
/// numel() with the op's name on overflow.
int64_t checkedNumel(OpKind k, const Shape &s);
/// A two-element int attribute (stride, padding, ...) with each entry >= lo.
std::array<int64_t, 2> pairAttr(OpKind k, const Attributes &a, std::string_view name,
                                std::array<int64_t, 2> def, int64_t lo);

// Sources are declared, never inferred: this rule always throws.
TensorType source(OpKind, Types, const Attributes &);
TensorType identity(OpKind, Types, const Attributes &);

// Elementwise.
TensorType unary(OpKind, Types, const Attributes &);
TensorType cast(OpKind, Types, const Attributes &);
TensorType binary(OpKind, Types, const Attributes &);
TensorType compare(OpKind, Types, const Attributes &);
TensorType where(OpKind, Types, const Attributes &);

// Contractions and reductions.
TensorType matmul(OpKind, Types, const Attributes &);
TensorType linear(OpKind, Types, const Attributes &);
TensorType reduce(OpKind, Types, const Attributes &);
TensorType argmax(OpKind, Types, const Attributes &);
TensorType softmax(OpKind, Types, const Attributes &);

// Data movement.
TensorType reshape(OpKind, Types, const Attributes &);
TensorType transpose(OpKind, Types, const Attributes &);
TensorType permute(OpKind, Types, const Attributes &);
TensorType broadcastTo(OpKind, Types, const Attributes &);
TensorType expand(OpKind, Types, const Attributes &);
TensorType concat(OpKind, Types, const Attributes &);
TensorType slice(OpKind, Types, const Attributes &);

// Neural-network ops (ir/nn_shape_rules.cpp).
TensorType conv2d(OpKind, Types, const Attributes &);
TensorType pool2d(OpKind, Types, const Attributes &);
TensorType adaptiveAvgPool2d(OpKind, Types, const Attributes &);
TensorType batchNorm(OpKind, Types, const Attributes &);
TensorType layerNorm(OpKind, Types, const Attributes &);
TensorType embedding(OpKind, Types, const Attributes &);
TensorType gather(OpKind, Types, const Attributes &);
TensorType mseLoss(OpKind, Types, const Attributes &);
TensorType crossEntropy(OpKind, Types, const Attributes &);

// Gradient ops of the autodiff pass (ir/grad_shape_rules.cpp).
TensorType geluGrad(OpKind, Types, const Attributes &);
TensorType conv2dGradInput(OpKind, Types, const Attributes &);
TensorType conv2dGradWeight(OpKind, Types, const Attributes &);
TensorType maxPool2dGrad(OpKind, Types, const Attributes &);
TensorType avgPool2dGrad(OpKind, Types, const Attributes &);
TensorType adaptiveAvgPool2dGrad(OpKind, Types, const Attributes &);
TensorType scatterAdd(OpKind, Types, const Attributes &);

// fused_elementwise: the type of its program's last step (ir/fused_program.cpp).
TensorType fusedElementwise(OpKind, Types, const Attributes &);
int64_t fusedElementwiseFlops(Types, const Attributes &, const TensorType &);

// Collectives (ir/collective_shape_rules.cpp).
TensorType allReduce(OpKind, Types, const Attributes &);

/// Spatial output size of a convolution or pooling window (PyTorch's
/// formula, ceil_mode included); throws when it would be < 1.
int64_t windowOutput(OpKind k, int64_t in, int64_t kernel, int64_t stride, int64_t pad,
                     int64_t dilation, bool ceilMode);

/// Checks attribute names, kinds and required ones against the op's spec.
void checkAttributes(OpKind k, const Attributes &attrs);
/// Checks a source node's declared type against its attributes (a constant's
/// `value` must have 1 or numel elements). Attributes are checked too.
void checkSource(OpKind k, const TensorType &declared, const Attributes &attrs);

} // namespace duet::rules
