//===- frontend/import/converter.cpp - TorchScript values as duet --------===//
#include "frontend/import/converter.h"

#include "ir/error.h"

#include <fmt/format.h>

#include <cctype>
#include <cstring>

namespace duet::import {

namespace {

std::string describe(const TsValue *v) { return "%" + v->debugName(); }

} // namespace

DType dtypeOf(c10::ScalarType t) {
  switch (t) {
  case c10::ScalarType::Float: return DType::F32;
  case c10::ScalarType::Double: return DType::F64;
  case c10::ScalarType::Long: return DType::I64;
  case c10::ScalarType::Bool: return DType::Bool;
  default:
    throw Error(fmt::format("tensors of dtype {} are not supported (duet has f32, f64, "
                            "i64 and bool)",
                            c10::toString(t)));
  }
}

bool Converter::isStatic(const TsValue *v) const {
  auto it = env_.find(v);
  return it != env_.end() && std::holds_alternative<c10::IValue>(it->second);
}

const ImportValue &Converter::value(const TsValue *v) const {
  auto it = env_.find(v);
  if (it == env_.end())
    throw Error("value " + describe(v) + " is used before it is defined");
  return it->second;
}

Node *Converter::tensor(const TsValue *v) {
  const ImportValue &iv = value(v);
  if (auto *n = std::get_if<Node *>(&iv))
    return *n;
  if (auto *c = std::get_if<c10::IValue>(&iv)) {
    if (c->isTensor())
      return materialize(v, c->toTensor());
    throw Error(fmt::format("{} is a {}, expected a tensor", describe(v), c->tagKind()));
  }
  throw Error(describe(v) + " is a list of tensors, expected one tensor");
}

Node *Converter::operand(const TsValue *v, const Node *like) {
  const ImportValue &iv = value(v);
  const auto *c = std::get_if<c10::IValue>(&iv);
  if (!c)
    return tensor(v);
  bool zeroDim = c->isTensor() && c->toTensor().dim() == 0;
  if (!c->isInt() && !c->isDouble() && !c->isBool() && !zeroDim)
    return tensor(v);
  bool floating = c->isDouble() || (zeroDim && c->toTensor().is_floating_point());
  if (floating && !isFloating(like->dtype()))
    throw Error(fmt::format("{} is a float scalar combined with an {} tensor (duet does not "
                            "promote dtypes)",
                            describe(v), dtypeName(like->dtype())));
  double x = zeroDim       ? c->toTensor().item<double>()
             : c->isBool() ? double(c->toBool())
             : c->isInt()  ? double(c->toInt())
                           : c->toDouble();
  return scalar(x, like->dtype());
}

NodeList Converter::tensors(const TsValue *v) {
  const ImportValue &iv = value(v);
  if (auto *list = std::get_if<NodeList>(&iv))
    return *list;
  const c10::IValue &c = constant(v);
  if (!c.isTensorList())
    throw Error(describe(v) + " is not a list of tensors");
  NodeList out;
  for (const at::Tensor &t : c.toTensorVector())
    out.push_back(materialize(nullptr, t));
  return out;
}

const c10::IValue &Converter::constant(const TsValue *v) const {
  const ImportValue &iv = value(v);
  if (auto *c = std::get_if<c10::IValue>(&iv))
    return *c;
  throw Error(describe(v) + " must be known at import time (it depends on a tensor's values)");
}

bool Converter::isNone(const TsValue *v) const { return isStatic(v) && constant(v).isNone(); }

int64_t Converter::i(const TsValue *v) const {
  const c10::IValue &c = constant(v);
  if (c.isInt())
    return c.toInt();
  if (c.isBool())
    return c.toBool();
  throw Error(fmt::format("{} is a {}, expected an int", describe(v), c.tagKind()));
}

double Converter::f(const TsValue *v) const {
  const c10::IValue &c = constant(v);
  if (c.isDouble())
    return c.toDouble();
  if (c.isInt())
    return double(c.toInt());
  throw Error(fmt::format("{} is a {}, expected a number", describe(v), c.tagKind()));
}

bool Converter::b(const TsValue *v) const {
  const c10::IValue &c = constant(v);
  if (c.isBool())
    return c.toBool();
  throw Error(fmt::format("{} is a {}, expected a bool", describe(v), c.tagKind()));
}

std::string Converter::s(const TsValue *v) const {
  const c10::IValue &c = constant(v);
  if (c.isString())
    return c.toStringRef();
  throw Error(fmt::format("{} is a {}, expected a string", describe(v), c.tagKind()));
}

std::vector<int64_t> Converter::ints(const TsValue *v) const {
  const c10::IValue &c = constant(v);
  if (c.isIntList())
    return c.toIntVector();
  if (c.isInt())
    return {c.toInt()};
  throw Error(fmt::format("{} is a {}, expected a list of ints", describe(v), c.tagKind()));
}

Node *Converter::add(OpKind op, NodeList inputs, Attributes attrs) {
  return g_.addChecked(op, std::move(inputs), std::move(attrs));
}

Node *Converter::scalar(double value, DType dtype) {
  Attributes a;
  a.set("value", std::vector<double>{value});
  return g_.addNode(OpKind::Constant, {}, std::move(a), TensorType{dtype, {}});
}

Node *Converter::materialize(const TsValue *v, const at::Tensor &t) {
  if (v)
    if (auto it = materialized_.find(v); it != materialized_.end())
      return it->second;
  DType dtype = dtypeOf(t.scalar_type());
  Node *n;
  if (t.dim() == 0) {
    n = scalar(t.item<double>(), dtype);
  } else {
    at::Tensor c = t.contiguous();
    Buffer buf = Buffer::allocate(dtype, Shape(c.sizes().begin(), c.sizes().end()));
    std::memcpy(buf.raw(), c.data_ptr(), buf.nbytes());
    std::string name = paramName(v);
    n = g_.addParam(name, buf.type());
    params_[name] = buf;
  }
  if (v)
    materialized_[v] = n;
  return n;
}

/// "self.layer1.0.conv1.weight" -> "layer1.0.conv1.weight"; unique, and never
/// all digits (those names are anonymous in the text form). A bias that
/// freezing computed (conv+bn folding names it "29_fused_bn.1") is named
/// after its op's weight: "conv1.bias_fused_bn".
std::string Converter::paramName(const TsValue *v) const {
  std::string base = v ? v->debugName() : "";
  if (v && base.rfind("self.", 0) != 0)
    for (const torch::jit::Use &use : v->uses()) {
      std::string weight = use.user->inputs().size() > 1 ? use.user->input(1)->debugName() : "";
      size_t at = weight.find("weight");
      if (use.offset == 2 && weight.rfind("self.", 0) == 0 && at != std::string::npos) {
        base = weight.replace(at, 6, "bias");
        break;
      }
    }
  if (base.rfind("self.", 0) == 0)
    base = base.substr(5);
  for (char &ch : base)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '.')
      ch = '_';
  bool digits = base.find_first_not_of("0123456789.") == std::string::npos;
  if (digits)
    base = "const" + (base.empty() ? "" : "_" + base);
  std::string name = base;
  for (int k = 1; params_.count(name) || g_.findNamed(name); ++k)
    name = base + "_" + std::to_string(k);
  return name;
}

} // namespace duet::import
