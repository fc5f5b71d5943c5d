//===- frontend/autograd.h - gradients of lazy tensors ----------*- C++ -*-===//
//
//   GraphBuilder b("fit");
//   Tensor x = b.input("x", DType::F32, {32, 784});
//   Tensor w = b.param("w", DType::F32, {10, 784});
//   Tensor loss = cross_entropy(linear(x, w), b.input("y", DType::I64, {32}));
//   std::vector<Tensor> g = duet::grad(loss, {w});   // recorded, not computed
//   Program step = b.build({loss, g[0]});            // forward + backward, one graph
//
// Gradients are recorded by the autodiff pass's buildGradients
// (passes/autodiff.h) into the tensors' own graph, so they are lazy like any
// other tensor: materialize them (loose tensors) or make them outputs of a
// built Program. Tensor::backward()/grad() are the PyTorch-style spelling.
//
#pragma once

#include "frontend/tensor.h"

#include <vector>

namespace duet {

/// d(loss)/d(w) for each w in `wrt`, each of w's type. `loss` must be a float
/// tensor with one element; every w a float tensor of the same graph (a leaf
/// or any intermediate value). A w the loss does not depend on gets zeros;
/// no gradient flows through integer or bool values. Throws duet::Error for
/// a non-float or foreign w, or when the path to the loss crosses an op
/// without a gradient rule.
std::vector<Tensor> grad(const Tensor &loss, const std::vector<Tensor> &wrt);

} // namespace duet
