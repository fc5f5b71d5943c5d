//===- passes/grad_registry.cpp - which gradient rule each op has ---------===//
//
// One table keyed by OpKind, written as an exhaustive switch so that an op
// added to ir/ops.def without an entry here is a compiler warning (and a
// failing test in tests/autodiff/): every op has a rule or says why not.
//
#include "passes/grad_rules.h"

namespace duet::grad {

GradEntry gradEntry(OpKind k) {
  constexpr std::string_view kSource = "a graph source (its gradient is the result)";
  constexpr std::string_view kBool = "its result is bool";
  constexpr std::string_view kSecondOrder =
      "a gradient op (second-order derivatives are not supported)";
  switch (k) {
  case OpKind::Input:
  case OpKind::Param:
  case OpKind::Constant: return {nullptr, kSource};

  case OpKind::Neg: return {negGrad, {}};
  case OpKind::Abs: return {absGrad, {}};
  case OpKind::Exp: return {expGrad, {}};
  case OpKind::Log: return {logGrad, {}};
  case OpKind::Sqrt: return {sqrtGrad, {}};
  case OpKind::Rsqrt: return {rsqrtGrad, {}};
  case OpKind::Tanh: return {tanhGrad, {}};
  case OpKind::Sigmoid: return {sigmoidGrad, {}};
  case OpKind::Relu: return {reluGrad, {}};
  case OpKind::Gelu: return {geluGrad, {}};
  case OpKind::LeakyRelu: return {leakyReluGrad, {}};
  case OpKind::Clamp: return {clampGrad, {}};
  case OpKind::Cast: return {castGrad, {}};

  case OpKind::Add: return {addGrad, {}};
  case OpKind::Sub: return {subGrad, {}};
  case OpKind::Mul: return {mulGrad, {}};
  case OpKind::Div: return {divGrad, {}};
  case OpKind::Pow: return {powGrad, {}};
  case OpKind::Maximum: return {maximumGrad, {}};
  case OpKind::Minimum: return {minimumGrad, {}};
  case OpKind::Eq:
  case OpKind::Ne:
  case OpKind::Lt:
  case OpKind::Le:
  case OpKind::Gt:
  case OpKind::Ge: return {nullptr, kBool};
  case OpKind::Where: return {whereGrad, {}};

  case OpKind::Matmul: return {matmulGrad, {}};
  case OpKind::Linear: return {linearGrad, {}};

  case OpKind::Sum: return {sumGrad, {}};
  case OpKind::Mean: return {meanGrad, {}};
  case OpKind::Max:
  case OpKind::Min: return {maxMinGrad, {}};
  case OpKind::Argmax: return {nullptr, "its result is an i64 index"};
  case OpKind::Softmax: return {softmaxGrad, {}};
  case OpKind::LogSoftmax: return {logSoftmaxGrad, {}};

  case OpKind::Reshape:
  case OpKind::View: return {reshapeGrad, {}};
  case OpKind::Transpose: return {transposeGrad, {}};
  case OpKind::Permute: return {permuteGrad, {}};
  case OpKind::BroadcastTo:
  case OpKind::Expand: return {broadcastGrad, {}};
  case OpKind::Concat: return {concatGrad, {}};
  case OpKind::Slice: return {sliceGrad, {}};

  case OpKind::Conv2d: return {conv2dGrad, {}};
  case OpKind::MaxPool2d: return {maxPool2dGrad, {}};
  case OpKind::AvgPool2d: return {avgPool2dGrad, {}};
  case OpKind::AdaptiveAvgPool2d: return {adaptiveAvgPool2dGrad, {}};
  case OpKind::BatchNorm: return {batchNormGrad, {}};
  case OpKind::LayerNorm: return {layerNormGrad, {}};

  case OpKind::Embedding: return {embeddingGrad, {}};
  case OpKind::Gather: return {gatherGrad, {}};

  case OpKind::MseLoss: return {mseLossGrad, {}};
  case OpKind::CrossEntropy: return {crossEntropyGrad, {}};

  case OpKind::ToTorch:
  case OpKind::FromTorch: return {identityGrad, {}};

  case OpKind::GeluGrad:
  case OpKind::Conv2dGradInput:
  case OpKind::Conv2dGradWeight:
  case OpKind::MaxPool2dGrad:
  case OpKind::AvgPool2dGrad:
  case OpKind::AdaptiveAvgPool2dGrad: return {nullptr, kSecondOrder};
  case OpKind::ScatterAdd: return {scatterAddGrad, {}};
  case OpKind::FusedElementwise:
    return {nullptr, "made by fuse-elementwise, which runs after autodiff (differentiate the "
                     "unfused graph)"};
  case OpKind::AllReduce:
    return {nullptr, "a collective: it reduces gradients across ranks after the backward pass"};
  }
  return {nullptr, "unknown op"};
}

} // namespace duet::grad
