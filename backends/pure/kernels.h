//===- backends/pure/kernels.h - the pure kernels, by family ----*- C++ -*-===//
//
// Internal to the pure interpreter. Each kernel computes `node` from its
// operand buffers into `out`, preallocated with node.type(); the operand
// types have been checked against the node by runPureNode.
//
#pragma once

#include "backends/buffer.h"

#include <span>

namespace duet {
class Node;
}

namespace duet::pure {

using Inputs = std::span<const Buffer>;

void runConstant(const Node &node, Buffer &out);             // source.cpp
void runCopy(const Node &node, Inputs in, Buffer &out);      // source.cpp
void runUnary(const Node &node, Inputs in, Buffer &out);     // unary.cpp
void runCast(const Node &node, Inputs in, Buffer &out);      // unary.cpp
void runBinary(const Node &node, Inputs in, Buffer &out);    // elementwise.cpp
void runCompare(const Node &node, Inputs in, Buffer &out);   // elementwise.cpp
void runWhere(const Node &node, Inputs in, Buffer &out);     // elementwise.cpp
void runMatmul(const Node &node, Inputs in, Buffer &out);    // matmul.cpp
void runLinear(const Node &node, Inputs in, Buffer &out);    // matmul.cpp
void runReduce(const Node &node, Inputs in, Buffer &out);    // reduce.cpp
void runArgmax(const Node &node, Inputs in, Buffer &out);    // reduce.cpp
void runSoftmax(const Node &node, Inputs in, Buffer &out);   // softmax.cpp
void runMovement(const Node &node, Inputs in, Buffer &out);  // movement.cpp
void runConcat(const Node &node, Inputs in, Buffer &out);    // movement.cpp
void runConv2d(const Node &node, Inputs in, Buffer &out);    // conv.cpp
void runPool(const Node &node, Inputs in, Buffer &out);      // pool.cpp
void runBatchNorm(const Node &node, Inputs in, Buffer &out); // norm.cpp
void runLayerNorm(const Node &node, Inputs in, Buffer &out); // norm.cpp
void runEmbedding(const Node &node, Inputs in, Buffer &out); // index.cpp
void runGather(const Node &node, Inputs in, Buffer &out);    // index.cpp
void runLoss(const Node &node, Inputs in, Buffer &out);      // loss.cpp
void runFused(const Node &node, Inputs in, Buffer &out);     // fused.cpp
void runAllReduce(const Node &node, Inputs in, Buffer &out); // collective.cpp

// The gradient ops of autodiff: runs `node` and returns true if it is one.
bool runGradKernel(const Node &node, Inputs in, Buffer &out);       // grad_kernels.cpp
void runConv2dGradInput(const Node &node, Inputs in, Buffer &out);  // grad_conv.cpp
void runConv2dGradWeight(const Node &node, Inputs in, Buffer &out); // grad_conv.cpp

} // namespace duet::pure
