//===- frontend/import/model_files.cpp - MODEL.duet + MODEL.safetensors ---===//
#include "frontend/import/import.h"
#include "frontend/nn/checkpoint.h"
#include "ir/error.h"
#include "ir/printer.h"

#include <filesystem>
#include <fstream>

namespace duet::import {

std::string paramsPathFor(const std::string &duetPath) {
  return std::filesystem::path(duetPath).replace_extension(".safetensors").string();
}

void writeImportedModel(const ImportedModel &model, const std::string &duetPath) {
  std::ofstream out(duetPath);
  if (!out)
    throw Error("cannot write " + duetPath);
  out << printGraph(*model.graph);
  if (!out.flush())
    throw Error("cannot write " + duetPath);
  nn::saveSafetensors(paramsPathFor(duetPath), model.params);
}

} // namespace duet::import
