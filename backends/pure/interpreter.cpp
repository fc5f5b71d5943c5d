//===- backends/pure/interpreter.cpp - dispatch a node to its kernel ------===//

#include "backends/pure/interpreter.h"

#include "backends/pure/common.h"
#include "backends/pure/kernels.h"

namespace duet {

using namespace pure;

namespace {

/// The kernels trust their operand shapes; check them here once, so a
/// caller feeding the wrong buffer gets a message instead of a crash.
void checkOperands(const Node &node, std::span<const Buffer> inputs, const Buffer &out) {
  if (inputs.size() != node.numInputs())
    fail(node, "expects " + std::to_string(node.numInputs()) + " operand buffers, got " +
                   std::to_string(inputs.size()));
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].defined())
      fail(node, "operand " + std::to_string(i) + " is an undefined buffer");
    if (inputs[i].type() != node.input(i)->type())
      fail(node, "operand " + std::to_string(i) + " has type " + inputs[i].type().str() +
                     " but the graph says " + node.input(i)->type().str());
  }
  if (!out.defined() || out.type() != node.type())
    fail(node, "output buffer has type " + (out.defined() ? out.type().str() : "undefined") +
                   " but the node's type is " + node.type().str());
}

} // namespace

void runPureNode(const Node &node, std::span<const Buffer> inputs, Buffer &out) {
  checkOperands(node, inputs, out);
  runPureNodeUnchecked(node, inputs, out);
}

void runPureNodeUnchecked(const Node &node, std::span<const Buffer> inputs, Buffer &out) {
  if (runGradKernel(node, inputs, out))
    return;
  switch (node.info().category) {
  case OpCategory::Unary:
    if (node.op() == OpKind::Cast)
      return runCast(node, inputs, out);
    return runUnary(node, inputs, out);
  case OpCategory::Binary: return runBinary(node, inputs, out);
  case OpCategory::Compare: return runCompare(node, inputs, out);
  case OpCategory::Ternary: return runWhere(node, inputs, out);
  case OpCategory::Convolution: return runConv2d(node, inputs, out);
  case OpCategory::Pooling: return runPool(node, inputs, out);
  case OpCategory::Loss: return runLoss(node, inputs, out);
  case OpCategory::Conversion: return runCopy(node, inputs, out);
  case OpCategory::Fused: return runFused(node, inputs, out);
  case OpCategory::Collective: return runAllReduce(node, inputs, out);
  default: break;
  }
  switch (node.op()) {
  case OpKind::Input:
  case OpKind::Param: fail(node, "graph inputs and parameters are fed by the caller, not computed");
  case OpKind::Constant: return runConstant(node, out);
  case OpKind::Matmul: return runMatmul(node, inputs, out);
  case OpKind::Linear: return runLinear(node, inputs, out);
  case OpKind::Sum:
  case OpKind::Mean:
  case OpKind::Max:
  case OpKind::Min: return runReduce(node, inputs, out);
  case OpKind::Argmax: return runArgmax(node, inputs, out);
  case OpKind::Softmax:
  case OpKind::LogSoftmax: return runSoftmax(node, inputs, out);
  case OpKind::BatchNorm: return runBatchNorm(node, inputs, out);
  case OpKind::LayerNorm: return runLayerNorm(node, inputs, out);
  case OpKind::Concat: return runConcat(node, inputs, out);
  case OpKind::Reshape:
  case OpKind::View:
  case OpKind::Transpose:
  case OpKind::Permute:
  case OpKind::BroadcastTo:
  case OpKind::Expand:
  case OpKind::Slice: return runMovement(node, inputs, out);
  case OpKind::Embedding: return runEmbedding(node, inputs, out);
  case OpKind::Gather: return runGather(node, inputs, out);
  default: break;
  }
  fail(node, "op has no pure kernel");
}

Buffer evalPureNode(const Node &node, std::span<const Buffer> inputs) {
  Buffer out = Buffer::allocate(node.type());
  runPureNode(node, inputs, out);
  return out;
}

bool pureSupports(const Node &) {
  // Every op has a kernel (input/param are fed by the caller, as documented).
  return true;
}

} // namespace duet
