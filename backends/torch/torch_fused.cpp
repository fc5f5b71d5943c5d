//===- backends/torch/torch_fused.cpp - fused_elementwise on ATen ---------===//
#include "backends/torch/torch_fused.h"

#include "backends/torch/torch_ops.h"
#include "ir/fused_program.h"
#include "ir/graph.h"

#include <fmt/format.h>

namespace duet::torchops {

at::Tensor runFusedOp(const Node &node, std::span<const at::Tensor> in) {
  FusedProgram p = parseFusedProgram(node.attrs().getString("program"));
  // Each step becomes a node of a scratch graph (runOp reads the op, its
  // attributes and its result type from a node).
  Graph scratch;
  std::vector<Node *> operands;
  for (size_t k = 0; k < node.numInputs(); ++k)
    operands.push_back(scratch.addInput(fmt::format("i{}", k), node.input(k)->type()));
  std::vector<Node *> steps;
  std::vector<at::Tensor> values;
  for (const FusedStep &s : p.steps) {
    std::vector<Node *> args;
    std::vector<at::Tensor> tensors;
    for (int a : s.args) {
      const bool isStep = FusedProgram::isStep(a);
      args.push_back(isStep ? steps.at(FusedProgram::stepOf(a)) : operands.at(a));
      tensors.push_back(isStep ? values[FusedProgram::stepOf(a)] : in[a]);
    }
    steps.push_back(scratch.addChecked(s.op, args, s.attrs));
    values.push_back(runOp(*steps.back(), tensors));
  }
  return values.back();
}

} // namespace duet::torchops
