//===- frontend/import/torchscript_module.cpp - the module run by LibTorch ===//
#include "frontend/import/converter.h"
#include "frontend/import/import.h"
#include "ir/error.h"

#include <cstring>

namespace duet::import {

struct TorchScriptModule::Impl {
  torch::jit::Module module;
};

namespace {

at::ScalarType torchDtype(DType d) {
  switch (d) {
  case DType::F32: return at::kFloat;
  case DType::F64: return at::kDouble;
  case DType::I64: return at::kLong;
  case DType::Bool: return at::kBool;
  }
  throw Error("unknown dtype");
}

Buffer toBuffer(const at::Tensor &t) {
  at::Tensor c = t.contiguous();
  Buffer b = Buffer::allocate(dtypeOf(c.scalar_type()), Shape(c.sizes().begin(), c.sizes().end()));
  std::memcpy(b.raw(), c.data_ptr(), b.nbytes());
  return b;
}

} // namespace

TorchScriptModule::TorchScriptModule(const std::string &path) : impl_(std::make_unique<Impl>()) {
  try {
    impl_->module = torch::jit::load(path);
  } catch (const c10::Error &e) {
    throw Error("cannot load TorchScript file " + path + ": " + e.what_without_backtrace());
  }
  impl_->module.eval();
}

TorchScriptModule::~TorchScriptModule() = default;

std::vector<Buffer> TorchScriptModule::forward(std::span<const Buffer> inputs) {
  torch::NoGradGuard noGrad;
  std::vector<c10::IValue> args;
  for (const Buffer &b : inputs)
    args.emplace_back(at::from_blob(b.raw(), std::vector<int64_t>(b.shape()),
                                    at::TensorOptions().dtype(torchDtype(b.dtype()))));
  c10::IValue result = impl_->module.forward(args);
  std::vector<Buffer> outs;
  if (result.isTensor())
    outs.push_back(toBuffer(result.toTensor()));
  else if (result.isTuple())
    for (const c10::IValue &v : result.toTupleRef().elements())
      outs.push_back(toBuffer(v.toTensor()));
  else if (result.isTensorList())
    for (const at::Tensor &t : result.toTensorVector())
      outs.push_back(toBuffer(t));
  else
    throw Error("forward returned a " + std::string(result.tagKind()) + ", expected tensors");
  return outs;
}

} // namespace duet::import
