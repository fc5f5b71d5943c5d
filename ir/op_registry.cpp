//===- ir/op_registry.cpp - attribute specs, type rules and costs per op ---===//
//
// The table is built once from ir/ops.def; `detailsOf` below is the single
// place that says, for each op, which attributes it takes, which type rule
// (ir/shape_rules.h) it uses and how its FLOPs are counted.
//
#include "ir/op_registry.h"

#include "ir/error.h"
#include "ir/shape_rules.h"

#include <fmt/format.h>

#include <algorithm>

namespace duet {
namespace {

using rules::Types;
using FlopRule = int64_t (*)(Types, const Attributes &, const TensorType &);

//===- FLOP counts (saturating: the cost model only compares them) --------===//

int64_t satMul(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_mul_overflow(a, b, &r) ? INT64_MAX : r;
}

int64_t satAdd(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_add_overflow(a, b, &r) ? INT64_MAX : r;
}

int64_t count(const TensorType &t) {
  int64_t n = 1;
  for (int64_t d : t.shape)
    n = satMul(n, std::max<int64_t>(d, 0));
  return n;
}

int64_t noFlops(Types, const Attributes &, const TensorType &) { return 0; }
int64_t perResult(Types, const Attributes &, const TensorType &r) { return count(r); }
int64_t perInput(Types in, const Attributes &, const TensorType &) { return count(in[0]); }

template <int64_t PerElement>
int64_t perInputTimes(Types in, const Attributes &, const TensorType &) {
  return satMul(PerElement, count(in[0]));
}

// One multiply-add per result element and contraction step.
int64_t matmulFlops(Types in, const Attributes &, const TensorType &r) {
  return satMul(2, satMul(count(r), in[0].shape.back()));
}

int64_t linearFlops(Types in, const Attributes &, const TensorType &r) {
  int64_t f = satMul(2, satMul(count(r), in[1].shape[1]));
  return in.size() == 3 ? satAdd(f, count(r)) : f;
}

// 2 * N*O*Ho*Wo * (C/g)*kH*kW, plus the bias add.
int64_t convFlops(Types in, const Attributes &, const TensorType &r) {
  const Shape &w = in[1].shape;
  int64_t f = satMul(2, satMul(count(r), satMul(w[1], satMul(w[2], w[3]))));
  return in.size() == 3 ? satAdd(f, count(r)) : f;
}

int64_t poolFlops(Types, const Attributes &a, const TensorType &r) {
  std::vector<int64_t> k = a.getInts("kernel", {1, 1});
  int64_t window = 1;
  for (int64_t x : k)
    window = satMul(window, std::max<int64_t>(x, 0));
  return satMul(count(r), window);
}

// Gradient ops: the same work as their forward op, counted over the
// forward's result (the incoming gradient, operand 0).
// Per incoming-gradient element: one multiply-add per (C/g)*kH*kW tap, with
// the kernel read from the weight (grad_input) or the result (grad_weight).
int64_t convGradInputFlops(Types in, const Attributes &, const TensorType &) {
  const Shape &w = in[1].shape;
  return satMul(2, satMul(count(in[0]), satMul(w[1], satMul(w[2], w[3]))));
}

int64_t convGradWeightFlops(Types in, const Attributes &, const TensorType &r) {
  const Shape &w = r.shape;
  return satMul(2, satMul(count(in[0]), satMul(w[1], satMul(w[2], w[3]))));
}

int64_t poolGradFlops(Types in, const Attributes &a, const TensorType &r) {
  return satAdd(poolFlops(in, a, in[0]), count(r));
}

//===- the per-op table ----------------------------------------------------===//

struct Details {
  rules::Rule infer;
  FlopRule flops;
  std::vector<AttrSpec> attrs;
};

Details detailsOf(OpKind k) {
  using AK = AttrKind;
  using namespace rules;
  switch (k) {
  case OpKind::Input:
  case OpKind::Param: return {source, noFlops, {}};
  case OpKind::Constant: return {source, noFlops, {{"value", AK::Floats, true}}};
  case OpKind::Neg:
  case OpKind::Abs:
  case OpKind::Exp:
  case OpKind::Log:
  case OpKind::Sqrt:
  case OpKind::Rsqrt:
  case OpKind::Tanh:
  case OpKind::Sigmoid:
  case OpKind::Relu:
  case OpKind::Gelu: return {unary, perResult, {}};
  case OpKind::LeakyRelu: return {unary, perResult, {{"slope", AK::Float}}};
  case OpKind::Clamp: return {unary, perResult, {{"min", AK::Float}, {"max", AK::Float}}};
  case OpKind::Cast: return {cast, perResult, {{"dtype", AK::String, true}}};
  case OpKind::Add:
  case OpKind::Sub:
  case OpKind::Mul:
  case OpKind::Div:
  case OpKind::Pow:
  case OpKind::Maximum:
  case OpKind::Minimum: return {binary, perResult, {}};
  case OpKind::Eq:
  case OpKind::Ne:
  case OpKind::Lt:
  case OpKind::Le:
  case OpKind::Gt:
  case OpKind::Ge: return {compare, perResult, {}};
  case OpKind::Where: return {where, perResult, {}};
  case OpKind::Matmul: return {matmul, matmulFlops, {}};
  case OpKind::Linear: return {linear, linearFlops, {}};
  case OpKind::Sum:
  case OpKind::Mean:
  case OpKind::Max:
  case OpKind::Min: return {reduce, perInput, {{"axes", AK::Ints}, {"keepdim", AK::Bool}}};
  case OpKind::Argmax: return {argmax, perInput, {{"axis", AK::Int, true}, {"keepdim", AK::Bool}}};
  case OpKind::Softmax:
  case OpKind::LogSoftmax: return {softmax, perInputTimes<5>, {{"axis", AK::Int}}};
  case OpKind::Reshape:
  case OpKind::View: return {reshape, noFlops, {{"shape", AK::Ints, true}}};
  case OpKind::Transpose:
    return {transpose, noFlops, {{"dim0", AK::Int, true}, {"dim1", AK::Int, true}}};
  case OpKind::Permute: return {permute, noFlops, {{"dims", AK::Ints, true}}};
  case OpKind::BroadcastTo: return {broadcastTo, noFlops, {{"shape", AK::Ints, true}}};
  case OpKind::Expand: return {expand, noFlops, {{"shape", AK::Ints, true}}};
  case OpKind::Concat: return {concat, noFlops, {{"axis", AK::Int}}};
  case OpKind::Slice:
    return {slice,
            noFlops,
            {{"axis", AK::Int}, {"start", AK::Int}, {"end", AK::Int}, {"step", AK::Int}}};
  case OpKind::Conv2d:
    return {
        conv2d,
        convFlops,
        {{"stride", AK::Ints}, {"padding", AK::Ints}, {"dilation", AK::Ints}, {"groups", AK::Int}}};
  case OpKind::MaxPool2d:
    return {pool2d,
            poolFlops,
            {{"kernel", AK::Ints, true},
             {"stride", AK::Ints},
             {"padding", AK::Ints},
             {"dilation", AK::Ints},
             {"ceil_mode", AK::Bool}}};
  case OpKind::AvgPool2d:
    return {pool2d,
            poolFlops,
            {{"kernel", AK::Ints, true},
             {"stride", AK::Ints},
             {"padding", AK::Ints},
             {"ceil_mode", AK::Bool},
             {"count_include_pad", AK::Bool}}};
  case OpKind::AdaptiveAvgPool2d:
    return {adaptiveAvgPool2d, perInput, {{"output_size", AK::Ints, true}}};
  case OpKind::BatchNorm: return {batchNorm, perInputTimes<4>, {{"eps", AK::Float}}};
  case OpKind::LayerNorm: return {layerNorm, perInputTimes<8>, {{"eps", AK::Float}}};
  case OpKind::Embedding: return {embedding, noFlops, {}};
  case OpKind::Gather: return {gather, noFlops, {{"axis", AK::Int}}};
  case OpKind::MseLoss: return {mseLoss, perInputTimes<3>, {}};
  case OpKind::CrossEntropy: return {crossEntropy, perInputTimes<5>, {}};
  case OpKind::ToTorch:
  case OpKind::FromTorch: return {identity, noFlops, {}};
  case OpKind::GeluGrad: return {geluGrad, perResult, {}};
  case OpKind::Conv2dGradInput:
    return {conv2dGradInput,
            convGradInputFlops,
            {{"stride", AK::Ints},
             {"padding", AK::Ints},
             {"dilation", AK::Ints},
             {"groups", AK::Int},
             {"input_size", AK::Ints, true}}};
  case OpKind::Conv2dGradWeight:
    return {conv2dGradWeight,
            convGradWeightFlops,
            {{"stride", AK::Ints},
             {"padding", AK::Ints},
             {"dilation", AK::Ints},
             {"groups", AK::Int},
             {"kernel_size", AK::Ints, true}}};
  case OpKind::MaxPool2dGrad:
    return {maxPool2dGrad,
            poolGradFlops,
            {{"kernel", AK::Ints, true},
             {"stride", AK::Ints},
             {"padding", AK::Ints},
             {"dilation", AK::Ints},
             {"ceil_mode", AK::Bool}}};
  case OpKind::AvgPool2dGrad:
    return {avgPool2dGrad,
            poolGradFlops,
            {{"kernel", AK::Ints, true},
             {"stride", AK::Ints},
             {"padding", AK::Ints},
             {"ceil_mode", AK::Bool},
             {"count_include_pad", AK::Bool},
             {"input_size", AK::Ints, true}}};
  case OpKind::AdaptiveAvgPool2dGrad:
    return {adaptiveAvgPool2dGrad, perResult, {{"input_size", AK::Ints, true}}};
  case OpKind::ScatterAdd: return {scatterAdd, noFlops, {{"axis", AK::Int}}};
  case OpKind::FusedElementwise:
    return {fusedElementwise, fusedElementwiseFlops, {{"program", AK::String, true}}};
  case OpKind::AllReduce:
    return {allReduce, perResult, {{"op", AK::String}, {"group", AK::Int}, {"bucket", AK::Int}}};
  }
  return {source, noFlops, {}};
}

struct Registry {
  std::vector<OpInfo> infos;      // indexed by OpKind
  std::vector<rules::Rule> infer; // the rule behind each OpInfo::inferType
};

const Registry &registry();

// OpInfo::inferType has no OpKind parameter, so each op gets a thunk that
// passes its kind to the shared family rule (which names the op in errors).
#define DUET_OP(Kind, Name, MinArity, MaxArity, Category)                                          \
  TensorType infer##Kind(Types in, const Attributes &a) {                                          \
    return registry().infer[static_cast<size_t>(OpKind::Kind)](OpKind::Kind, in, a);               \
  }
#include "ir/ops.def"

const Registry &registry() {
  static const Registry reg = [] {
    Registry r;
    auto add = [&r](OpKind kind, std::string_view name, int minArity, int maxArity,
                    OpCategory category, TensorType (*thunk)(Types, const Attributes &)) {
      Details d = detailsOf(kind);
      r.infos.push_back(
          OpInfo{kind, name, minArity, maxArity, category, std::move(d.attrs), thunk, d.flops});
      r.infer.push_back(d.infer);
    };
#define DUET_OP(Kind, Name, MinArity, MaxArity, Category)                                          \
  add(OpKind::Kind, Name, MinArity, MaxArity, OpCategory::Category, &infer##Kind);
#include "ir/ops.def"
    return r;
  }();
  return reg;
}

std::string arityMessage(const OpInfo &info, size_t got) {
  auto operands = [](int n) { return fmt::format("{} operand{}", n, n == 1 ? "" : "s"); };
  std::string want;
  if (info.maxArity < 0)
    want = "at least " + operands(info.minArity);
  else if (info.minArity == info.maxArity)
    want = operands(info.minArity);
  else
    want = fmt::format("{} {} {} operands", info.minArity,
                       info.maxArity == info.minArity + 1 ? "or" : "to", info.maxArity);
  return fmt::format("expected {}, got {}", want, got);
}

bool kindAccepts(AttrKind want, AttrKind got) {
  return want == got || (want == AttrKind::Float && got == AttrKind::Int) ||
         (want == AttrKind::Floats && got == AttrKind::Ints);
}

} // namespace

const OpInfo &opInfo(OpKind kind) { return registry().infos.at(static_cast<size_t>(kind)); }

std::optional<OpKind> opFromName(std::string_view name) {
  for (const OpInfo &info : registry().infos)
    if (info.name == name)
      return info.kind;
  return std::nullopt;
}

std::span<const OpInfo> allOps() { return registry().infos; }

namespace rules {

void checkAttributes(OpKind k, const Attributes &attrs) {
  const OpInfo &info = opInfo(k);
  for (const auto &[name, value] : attrs.items()) {
    auto spec = std::find_if(info.attrs.begin(), info.attrs.end(),
                             [&key = name](const AttrSpec &s) { return s.name == key; });
    if (spec == info.attrs.end()) {
      std::string known;
      for (const AttrSpec &s : info.attrs)
        known += (known.empty() ? "" : ", ") + std::string(s.name);
      fail(k, known.empty()
                  ? fmt::format("unknown attribute '{}' ({} takes no attributes)", name, info.name)
                  : fmt::format("unknown attribute '{}' (known: {})", name, known));
    }
    if (!kindAccepts(spec->kind, attrKind(value))) {
      std::string text = attrValueToString(value);
      if (text.size() > 40)
        text = text.substr(0, 37) + "...";
      fail(k, fmt::format("attribute '{}' must be {}, got {} {}", name, attrKindName(spec->kind),
                          attrKindName(attrKind(value)), text));
    }
  }
  for (const AttrSpec &s : info.attrs)
    if (s.required && !attrs.has(s.name))
      fail(k, fmt::format("missing required attribute '{}'", s.name));
}

void checkSource(OpKind k, const TensorType &declared, const Attributes &attrs) {
  checkAttributes(k, attrs);
  int64_t n = checkedNumel(k, declared.shape);
  if (k == OpKind::Constant) {
    size_t len = attrs.getFloats("value").size();
    if (len != 1 && static_cast<int64_t>(len) != n)
      fail(k,
           fmt::format("value has {} elements; expected 1 or {} for {}", len, n, declared.str()));
  }
}

} // namespace rules

TensorType checkAndInferType(OpKind kind, std::span<const TensorType> inputs,
                             const Attributes &attrs) {
  const OpInfo &info = opInfo(kind);
  int n = static_cast<int>(inputs.size());
  if (n < info.minArity || (info.maxArity >= 0 && n > info.maxArity))
    rules::fail(kind, arityMessage(info, inputs.size()));
  rules::checkAttributes(kind, attrs);
  TensorType result = registry().infer[static_cast<size_t>(kind)](kind, inputs, attrs);
  // The rules check their own arithmetic; the result as a whole (a
  // broadcast, a matmul batch) must also have a byte size that fits.
  try {
    result.nbytes();
  } catch (const Error &e) {
    rules::fail(kind, e.what());
  }
  return result;
}

int64_t opBytes(std::span<const TensorType> inputs, const TensorType &result) {
  auto bytes = [](const TensorType &t) {
    return satMul(count(t), static_cast<int64_t>(dtypeSize(t.dtype)));
  };
  int64_t total = bytes(result);
  for (const TensorType &t : inputs)
    total = satAdd(total, bytes(t));
  return total;
}

} // namespace duet
