//===- frontend/import_absent/import_absent.cpp - no LibTorch: no import --===//
#include "frontend/import/import.h"
#include "ir/error.h"

#include <filesystem>

namespace duet::import {

struct TorchScriptModule::Impl {};

ImportedModel importTorchScript(const std::string &, const ImportOptions &) {
  throw Error(kNoImportMessage);
}
void writeImportedModel(const ImportedModel &, const std::string &) {
  throw Error(kNoImportMessage);
}
std::string paramsPathFor(const std::string &duetPath) {
  return std::filesystem::path(duetPath).replace_extension(".safetensors").string();
}
std::vector<std::string> supportedOps() { return {}; }

TorchScriptModule::TorchScriptModule(const std::string &) { throw Error(kNoImportMessage); }
TorchScriptModule::~TorchScriptModule() = default;
std::vector<Buffer> TorchScriptModule::forward(std::span<const Buffer>) {
  throw Error(kNoImportMessage);
}

} // namespace duet::import
