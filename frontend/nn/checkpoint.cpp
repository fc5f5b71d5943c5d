//===- frontend/nn/checkpoint.cpp - safetensors checkpoints ---------------===//
#include "frontend/nn/checkpoint.h"

#include "ir/error.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <iterator>

namespace duet::nn {

namespace {

const char *stName(DType t) {
  switch (t) {
  case DType::F32: return "F32";
  case DType::F64: return "F64";
  case DType::I64: return "I64";
  case DType::Bool: return "BOOL";
  }
  return "?";
}

} // namespace

std::vector<uint8_t> encodeSafetensors(const ParamStore &params) {
  nlohmann::json header = nlohmann::json::object();
  uint64_t off = 0;
  for (const auto &[name, b] : params) { // std::map: sorted, as safetensors writes
    if (!b.defined())
      throw Error("safetensors: tensor '" + name + "' has no data");
    header[name] = {{"dtype", stName(b.dtype())},
                    {"shape", b.shape()},
                    {"data_offsets", {off, off + b.nbytes()}}};
    off += b.nbytes();
  }
  std::string h = header.dump();
  while (h.size() % 8 != 0) // align the data, as the reference writer does
    h.push_back(' ');
  std::vector<uint8_t> out(8 + h.size() + off);
  uint64_t n = h.size();
  for (int i = 0; i < 8; ++i)
    out[size_t(i)] = uint8_t(n >> (8 * i));
  std::memcpy(out.data() + 8, h.data(), h.size());
  size_t pos = 8 + h.size();
  for (const auto &[name, b] : params) {
    if (b.nbytes())
      std::memcpy(out.data() + pos, b.raw(), b.nbytes());
    pos += b.nbytes();
  }
  return out;
}

void saveSafetensors(const std::string &path, const ParamStore &params) {
  std::vector<uint8_t> bytes = encodeSafetensors(params);
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size()));
  if (!out)
    throw Error("safetensors: cannot write '" + path + "'");
}

ParamStore loadSafetensors(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw Error("safetensors: cannot open '" + path + "'");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  return parseSafetensors(bytes, path);
}

ParamStore parseSafetensors(std::span<const uint8_t> bytes, const std::string &name) {
  auto fail = [&](const std::string &what) -> Error {
    return Error("safetensors '" + name + "': " + what);
  };
  if (bytes.size() < 8)
    throw fail("file too short for the header length (" + std::to_string(bytes.size()) + " bytes)");
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i)
    n = (n << 8) | bytes[size_t(i)];
  if (n > bytes.size() - 8)
    throw fail("header length " + std::to_string(n) + " exceeds the file size");
  const char *hp = reinterpret_cast<const char *>(bytes.data() + 8);
  nlohmann::json header = nlohmann::json::parse(hp, hp + n, nullptr, false);
  if (header.is_discarded() || !header.is_object())
    throw fail("header is not a JSON object");
  std::span<const uint8_t> data = bytes.subspan(8 + n);
  ParamStore out;
  for (const auto &item : header.items()) {
    // Named copies, not a structured binding: clang < 16 cannot capture those.
    const std::string key = item.key();
    const nlohmann::json &e = item.value();
    if (key == "__metadata__")
      continue;
    auto bad = [&](const std::string &field, const std::string &why) {
      return fail("tensor '" + key + "': field '" + field + "' " + why);
    };
    if (!e.is_object())
      throw fail("tensor '" + key + "': entry is not an object");
    if (!e.contains("dtype") || !e["dtype"].is_string())
      throw bad("dtype", "is missing or not a string");
    std::string ds = e["dtype"].get<std::string>();
    DType dt;
    if (ds == "F32")
      dt = DType::F32;
    else if (ds == "F64")
      dt = DType::F64;
    else if (ds == "I64")
      dt = DType::I64;
    else if (ds == "BOOL")
      dt = DType::Bool;
    else
      throw bad("dtype", "'" + ds + "' is not supported (F32, F64, I64, BOOL)");
    if (!e.contains("shape") || !e["shape"].is_array())
      throw bad("shape", "is missing or not an array");
    Shape shape;
    uint64_t numel = 1;
    for (const auto &d : e["shape"]) {
      if (!d.is_number_unsigned())
        throw bad("shape", "has a dimension that is not a non-negative integer");
      uint64_t v = d.get<uint64_t>();
      if (v > (uint64_t(1) << 40) || (v && numel > (uint64_t(1) << 40) / v))
        throw bad("shape", "is too large");
      numel *= v;
      shape.push_back(int64_t(v));
    }
    if (!e.contains("data_offsets") || !e["data_offsets"].is_array() ||
        e["data_offsets"].size() != 2 || !e["data_offsets"][0].is_number_unsigned() ||
        !e["data_offsets"][1].is_number_unsigned())
      throw bad("data_offsets", "is not a pair of non-negative integers");
    uint64_t b = e["data_offsets"][0].get<uint64_t>(), en = e["data_offsets"][1].get<uint64_t>();
    if (b > en || en > data.size())
      throw bad("data_offsets", "[" + std::to_string(b) + ", " + std::to_string(en) +
                                    "] is outside the " + std::to_string(data.size()) +
                                    "-byte data");
    if (en - b != numel * dtypeSize(dt))
      throw bad("data_offsets", "span " + std::to_string(en - b) + " bytes, but " + ds +
                                    " shape needs " + std::to_string(numel * dtypeSize(dt)));
    Buffer buf = Buffer::allocate(dt, shape);
    if (en > b)
      std::memcpy(buf.raw(), data.data() + b, en - b);
    if (dt == DType::Bool)
      for (uint64_t i = 0; i < numel; ++i)
        if (static_cast<const uint8_t *>(buf.raw())[i] > 1)
          throw bad("data", "holds a BOOL byte that is not 0 or 1");
    out[key] = buf;
  }
  return out;
}

} // namespace duet::nn
