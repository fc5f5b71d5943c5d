//===- frontend/nn/checkpoint.h - safetensors checkpoints -------*- C++ -*-===//
//
// Saves and loads a ParamStore in the safetensors format (an 8-byte
// little-endian header length, a JSON header {name: {dtype, shape,
// data_offsets}}, then the raw little-endian data), so weights move between
// duet and PyTorch tools (safetensors.torch.load_file). dtypes: F32, F64,
// I64, BOOL. Loading validates every field: a corrupt file throws
// duet::Error naming the file, the tensor and the field.
//
#pragma once

#include "backends/runtime/plan.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace duet::nn {

void saveSafetensors(const std::string &path, const ParamStore &params);
ParamStore loadSafetensors(const std::string &path);

/// The file's bytes / the parse of bytes in memory (`name` stands for the file).
std::vector<uint8_t> encodeSafetensors(const ParamStore &params);
ParamStore parseSafetensors(std::span<const uint8_t> bytes, const std::string &name);

} // namespace duet::nn
