//===- bench/loss_graph.h - the loss graph eager baselines train -*- C++ -*-===//
#pragma once

#include "backends/buffer.h"
#include "frontend/nn/layers.h"
#include "frontend/nn/module.h"
#include "frontend/nn/trainer.h"
#include "ir/graph.h"

#include <memory>
#include <vector>

namespace duet::bench {

/// The cross-entropy loss graph nn::Trainer differentiates for `model` on
/// (x, y), and the model's initial parameters (seed 0) in the graph's param
/// order: what the LibTorch eager baselines train, so that both sides start
/// from the same weights.
struct LossGraph {
  std::unique_ptr<Graph> graph;
  std::vector<Buffer> params;
};

inline LossGraph crossEntropyLossGraph(nn::Module &model, const Buffer &x, const Buffer &y) {
  GraphBuilder b("loss");
  Tensor xt = b.input("x", x.dtype(), x.shape());
  Tensor yt = b.input("y", y.dtype(), y.shape());
  nn::ForwardContext ctx(b, true);
  model.train();
  Tensor lossT = nn::crossEntropyLoss(model.forward(ctx, xt), yt);
  LossGraph out{b.graph({lossT}), {}};
  ParamStore init = model.initParams(0);
  for (const Node *p : out.graph->params())
    out.params.push_back(init.at(p->name()));
  return out;
}

} // namespace duet::bench
