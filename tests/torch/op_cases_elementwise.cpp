//===- tests/torch/op_cases_elementwise.cpp - differential cases: elementwise ===//
//
// Unary, binary, comparison, where, clamp, cast, constant and conversion ops
// on random shapes (broadcasting, size-1 and empty dims) and dtypes.
//
#include "tests/torch/case_builder.h"

#include <fmt/format.h>

namespace duet::test {
namespace {

const std::vector<DType> kFloats = {DType::F32, DType::F64};
const std::vector<DType> kNumeric = {DType::F32, DType::F64, DType::I64};
const std::vector<DType> kAll = {DType::F32, DType::F64, DType::I64, DType::Bool};

std::string dn(DType t) { return std::string(dtypeName(t)); }

/// A random elementwise shape: rank 0-4, small dims, sometimes empty.
Shape elemShape(CaseBuilder &b) { return b.shape(0, 4, 4, 0.08); }

void unaryCases(std::vector<OpCase> &cs) {
  struct U {
    OpKind op;
    std::vector<DType> dtypes;
    Fill fill;
  };
  const std::vector<U> ops = {
      {OpKind::Neg, kNumeric, Fill::Normal},     {OpKind::Abs, kNumeric, Fill::Normal},
      {OpKind::Exp, kFloats, Fill::Normal},      {OpKind::Log, kFloats, Fill::Positive},
      {OpKind::Sqrt, kFloats, Fill::Positive},   {OpKind::Rsqrt, kFloats, Fill::Positive},
      {OpKind::Tanh, kFloats, Fill::Normal},     {OpKind::Sigmoid, kFloats, Fill::Normal},
      {OpKind::Relu, kNumeric, Fill::Mixed},     {OpKind::Gelu, kFloats, Fill::Normal},
      {OpKind::LeakyRelu, kFloats, Fill::Mixed},
  };
  for (const U &u : ops)
    for (DType t : u.dtypes)
      cs.push_back({fmt::format("{}_{}", opName(u.op), dn(t)), [u, t](CaseBuilder &b) {
                      Attributes a;
                      if (u.op == OpKind::LeakyRelu && b.rng().coin())
                        a.set("slope", b.rng().uniform(0.0, 0.5));
                      return std::vector<Node *>{b.op(u.op, {b.input(t, elemShape(b), u.fill)}, a)};
                    }});
  // Log of values <= 0 gives NaN / -inf in both worlds.
  for (DType t : kFloats)
    cs.push_back({"log_" + dn(t) + "_nonpositive", [t](CaseBuilder &b) {
                    return std::vector<Node *>{
                        b.op(OpKind::Log, {b.input(t, elemShape(b), Fill::Mixed)})};
                  }});
}

void clampCases(std::vector<OpCase> &cs) {
  for (DType t : kNumeric)
    for (std::string variant : {"min", "max", "both", "inverted"})
      cs.push_back({fmt::format("clamp_{}_{}", dn(t), variant), [t, variant](CaseBuilder &b) {
                      // Multiples of 0.5, so i64 inputs meet fractional bounds.
                      double lo = static_cast<double>(b.rng().range(-5, 2)) / 2;
                      double hi = lo + static_cast<double>(b.rng().range(0, 6)) / 2;
                      if (variant == "inverted")
                        std::swap(lo, hi), lo += 0.5;
                      Attributes a;
                      if (variant != "max")
                        a.set("min", lo);
                      if (variant != "min")
                        a.set("max", hi);
                      return std::vector<Node *>{
                          b.op(OpKind::Clamp, {b.input(t, elemShape(b), Fill::Mixed)}, a)};
                    }});
}

void castCases(std::vector<OpCase> &cs) {
  for (DType from : kAll)
    for (DType to : kAll)
      cs.push_back({fmt::format("cast_{}_to_{}", dn(from), dn(to)), [from, to](CaseBuilder &b) {
                      Attributes a;
                      a.set("dtype", dn(to));
                      return std::vector<Node *>{
                          b.op(OpKind::Cast, {b.input(from, elemShape(b), Fill::Mixed)}, a)};
                    }});
}

void binaryCases(std::vector<OpCase> &cs) {
  struct B {
    OpKind op;
    std::vector<DType> dtypes;
    Fill lhs, rhs;
  };
  const std::vector<B> ops = {
      {OpKind::Add, kNumeric, Fill::Normal, Fill::Normal},
      {OpKind::Sub, kNumeric, Fill::Normal, Fill::Normal},
      {OpKind::Mul, kNumeric, Fill::Normal, Fill::Normal},
      {OpKind::Div, kNumeric, Fill::Normal, Fill::NonZero},
      {OpKind::Pow, kFloats, Fill::Positive, Fill::Normal},
      {OpKind::Maximum, kNumeric, Fill::Mixed, Fill::Mixed},
      {OpKind::Minimum, kNumeric, Fill::Mixed, Fill::Mixed},
      {OpKind::Eq, kAll, Fill::Mixed, Fill::Mixed},
      {OpKind::Ne, kAll, Fill::Mixed, Fill::Mixed},
      {OpKind::Lt, kAll, Fill::Mixed, Fill::Mixed},
      {OpKind::Le, kAll, Fill::Mixed, Fill::Mixed},
      {OpKind::Gt, kAll, Fill::Mixed, Fill::Mixed},
      {OpKind::Ge, kAll, Fill::Mixed, Fill::Mixed},
  };
  for (const B &o : ops)
    for (DType t : o.dtypes)
      cs.push_back({fmt::format("{}_{}", opName(o.op), dn(t)), [o, t](CaseBuilder &b) {
                      Shape out = elemShape(b);
                      Node *x = b.input(t, b.broadcastable(out), o.lhs);
                      Node *y = b.input(t, b.broadcastable(out), o.rhs);
                      return std::vector<Node *>{b.op(o.op, {x, y})};
                    }});
  // Integer division with negative operands: truncation toward zero.
  cs.push_back({"div_i64_negative", [](CaseBuilder &b) {
                  Shape s = b.shape(1, 2, 6);
                  Node *x = b.input(DType::I64, s, Fill::Normal);
                  Node *y = b.input(DType::I64, s, Fill::NonZero);
                  return std::vector<Node *>{b.op(OpKind::Div, {x, y})};
                }});
  // pow with a negative base: NaN for fractional exponents, as in torch.
  for (DType t : kFloats)
    cs.push_back({"pow_" + dn(t) + "_negative_base", [t](CaseBuilder &b) {
                    Shape s = elemShape(b);
                    Node *x = b.input(t, s, Fill::Mixed);
                    Node *y = b.input(t, b.broadcastable(s), Fill::Mixed);
                    return std::vector<Node *>{b.op(OpKind::Pow, {x, y})};
                  }});
}

void whereCases(std::vector<OpCase> &cs) {
  for (DType t : kAll)
    cs.push_back({"where_" + dn(t), [t](CaseBuilder &b) {
                    Shape out = elemShape(b);
                    Node *c = b.input(DType::Bool, b.broadcastable(out));
                    Node *x = b.input(t, b.broadcastable(out));
                    Node *y = b.input(t, b.broadcastable(out));
                    return std::vector<Node *>{b.op(OpKind::Where, {c, x, y})};
                  }});
}

void sourceAndConversionCases(std::vector<OpCase> &cs) {
  for (DType t : kAll)
    for (bool splat : {true, false})
      cs.push_back({fmt::format("constant_{}_{}", dn(t), splat ? "splat" : "full"),
                    [t, splat](CaseBuilder &b) {
                      Shape s = b.shape(0, 3, 4, 0.1);
                      int64_t n = splat ? 1 : numel(s);
                      std::vector<double> values;
                      for (int64_t i = 0; i < n; ++i)
                        values.push_back(b.rng().coin(0.3) ? 0.0 : b.rng().uniform(-4, 4));
                      Attributes a;
                      a.set("value", values);
                      return std::vector<Node *>{
                          b.graph().addNode(OpKind::Constant, {}, a, TensorType{t, s})};
                    }});
  // A constant feeding a computation inside the region.
  cs.push_back({"constant_f32_into_add", [](CaseBuilder &b) {
                  Node *x = b.input(DType::F32, b.shape(1, 3));
                  Attributes a;
                  a.set("value", std::vector<double>{1.5});
                  Node *c = b.graph().addNode(OpKind::Constant, {}, a, TensorType{DType::F32, {}});
                  return std::vector<Node *>{b.op(OpKind::Add, {x, c})};
                }});
  for (OpKind k : {OpKind::ToTorch, OpKind::FromTorch})
    for (DType t : kAll)
      cs.push_back({fmt::format("{}_{}", opName(k), dn(t)), [k, t](CaseBuilder &b) {
                      return std::vector<Node *>{b.op(k, {b.input(t, elemShape(b))})};
                    }});
  // The boundary nodes around a computation, as the conversion pass emits them.
  cs.push_back({"to_torch_exp_from_torch_f64", [](CaseBuilder &b) {
                  Node *x = b.op(OpKind::ToTorch, {b.input(DType::F64, elemShape(b))});
                  return std::vector<Node *>{b.op(OpKind::FromTorch, {b.op(OpKind::Exp, {x})})};
                }});
}

/// NaN and ±inf inputs: propagation as in torch (max/min/clamp/relu keep
/// NaN, comparisons with NaN are false except ne, argmax picks the NaN).
void specialValueCases(std::vector<OpCase> &cs) {
  for (OpKind k : {OpKind::Relu, OpKind::LeakyRelu, OpKind::Abs, OpKind::Neg, OpKind::Exp,
                   OpKind::Tanh, OpKind::Sigmoid, OpKind::Gelu})
    cs.push_back({fmt::format("{}_f32_nan_inf", opName(k)), [k](CaseBuilder &b) {
                    return std::vector<Node *>{
                        b.op(k, {b.input(DType::F32, elemShape(b), Fill::WithNaN)})};
                  }});
  cs.push_back({"clamp_f64_nan_inf", [](CaseBuilder &b) {
                  Attributes a;
                  a.set("min", -1.5);
                  a.set("max", 2.0);
                  return std::vector<Node *>{
                      b.op(OpKind::Clamp, {b.input(DType::F64, elemShape(b), Fill::WithNaN)}, a)};
                }});
  for (OpKind k : {OpKind::Maximum, OpKind::Minimum, OpKind::Add, OpKind::Mul, OpKind::Eq,
                   OpKind::Ne, OpKind::Lt, OpKind::Ge})
    cs.push_back({fmt::format("{}_f32_nan_inf", opName(k)), [k](CaseBuilder &b) {
                    Shape out = elemShape(b);
                    Node *x = b.input(DType::F32, b.broadcastable(out), Fill::WithNaN);
                    Node *y = b.input(DType::F32, b.broadcastable(out), Fill::WithNaN);
                    return std::vector<Node *>{b.op(k, {x, y})};
                  }});
  cs.push_back({"cast_f32_to_bool_nan_inf", [](CaseBuilder &b) {
                  Attributes a;
                  a.set("dtype", std::string("bool"));
                  return std::vector<Node *>{
                      b.op(OpKind::Cast, {b.input(DType::F32, elemShape(b), Fill::WithNaN)}, a)};
                }});
}

} // namespace

/// fused_elementwise: the pure fused kernel against torch running the same
/// program one ATen call per step; x is a random shape, y broadcasts to it.
void fusedCases(std::vector<OpCase> &cs) {
  const std::vector<std::pair<std::string, std::string>> programs = {
      {"chain", "t0=mul(i0,i1); t1=add(t0,i0); t2=relu(t1); t3=tanh(t2); t4=sigmoid(t3); "
                "t5=gelu(t4); t6=sub(t5,i1)"},
      {"select", "t0=sub(i0,i1); t1=gt(t0,i1); t2=where(t1,t0,i1); "
                 "t3=clamp[max=1.0,min=-0.5](t2); t4=cast[dtype=bool](t3); t5=cast[dtype=f64](t4); "
                 "t6=cast[dtype=f64](t2); t7=add(t5,t6)"},
      {"math", "t0=abs(i0); t1=sqrt(t0); t2=exp(t1); t3=log(t2); t4=div(t3,i1); "
               "t5=maximum(t4,i0); t6=leaky_relu[slope=0.2](t5); t7=minimum(t6,t1); "
               "t8=rsqrt(t2); t9=mul(t7,t8); t10=neg(t9)"},
      {"pow", "t0=abs(i0); t1=pow(t0,i1); t2=le(t1,i1); t3=ne(t1,t0); t4=where(t2,t1,t0); "
              "t5=where(t3,t4,i1)"},
  };
  for (DType t : kFloats)
    for (const auto &[variant, program] : programs)
      cs.push_back(
          {fmt::format("fused_elementwise_{}_{}", dn(t), variant), [t, program](CaseBuilder &b) {
             Shape s = elemShape(b);
             Node *x = b.input(t, s, Fill::Mixed);
             Node *y = b.input(t, b.broadcastable(s), Fill::Mixed);
             Attributes a;
             a.set("program", program);
             return std::vector<Node *>{b.op(OpKind::FusedElementwise, {x, y}, a)};
           }});
  // Ending with a reduction over the trailing axes (all of them for a
  // scalar-shaped x): the pure loop accumulates, torch calls sum / mean.
  for (DType t : kFloats)
    for (const char *reduce : {"sum", "mean"})
      cs.push_back({fmt::format("fused_elementwise_{}_{}", dn(t), reduce),
                    [t, reduce](CaseBuilder &b) {
                      Shape s = elemShape(b);
                      Node *x = b.input(t, s, Fill::Mixed);
                      Node *y = b.input(t, b.broadcastable(s), Fill::Mixed);
                      const std::string axes =
                          s.empty() ? "" : (s.size() > 1 ? "[axes=[-2,-1]]" : "[axes=[0],keepdim=true]");
                      Attributes a;
                      a.set("program", fmt::format("t0=mul(i0,i1); t1=tanh(t0); t2=add(t1,i0); "
                                                   "t3={}{}(t2)",
                                                   reduce, axes));
                      return std::vector<Node *>{b.op(OpKind::FusedElementwise, {x, y}, a)};
                    }});
}

std::vector<OpCase> elementwiseCases() {
  std::vector<OpCase> cs;
  unaryCases(cs);
  clampCases(cs);
  castCases(cs);
  binaryCases(cs);
  whereCases(cs);
  sourceAndConversionCases(cs);
  specialValueCases(cs);
  fusedCases(cs);
  return cs;
}

} // namespace duet::test
