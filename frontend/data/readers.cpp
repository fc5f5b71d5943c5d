//===- frontend/data/readers.cpp - IDX, CSV and Fashion-MNIST -------------===//
#include "frontend/data/readers.h"

#include "backends/npy.h"
#include "ir/error.h"

#include <zlib.h>

#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace duet::data {

namespace {

// gzread passes uncompressed files through unchanged.
std::vector<uint8_t> readMaybeGz(const std::string &path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f)
    throw Error("cannot open '" + path + "'");
  std::vector<uint8_t> out;
  uint8_t chunk[1 << 16];
  for (;;) {
    int n = gzread(f, chunk, sizeof chunk);
    if (n < 0) {
      int err = 0;
      std::string msg = gzerror(f, &err);
      gzclose(f);
      throw Error("'" + path + "': " + msg);
    }
    if (n == 0)
      break;
    out.insert(out.end(), chunk, chunk + n);
  }
  gzclose(f);
  return out;
}

uint32_t be32(const uint8_t *p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

} // namespace

Buffer readIdx(const std::string &path) {
  std::vector<uint8_t> bytes = readMaybeGz(path);
  return parseIdx(bytes, path);
}

Buffer parseIdx(std::span<const uint8_t> b, const std::string &name) {
  if (b.size() < 4 || b[0] != 0 || b[1] != 0)
    throw Error("IDX '" + name + "': bad magic (not an IDX file)");
  uint8_t type = b[2];
  size_t rank = b[3];
  size_t elem;
  switch (type) {
  case 0x08:
  case 0x09: elem = 1; break;
  case 0x0B: elem = 2; break;
  case 0x0C:
  case 0x0D: elem = 4; break;
  case 0x0E: elem = 8; break;
  default: throw Error("IDX '" + name + "': unknown element type 0x" + std::to_string(type));
  }
  if (rank == 0 || b.size() < 4 + 4 * rank)
    throw Error("IDX '" + name + "': header truncated (rank " + std::to_string(rank) + ")");
  Shape shape;
  uint64_t numel = 1;
  for (size_t i = 0; i < rank; ++i) {
    uint32_t d = be32(&b[4 + 4 * i]);
    shape.push_back(d);
    numel *= d;
    if (numel > (uint64_t(1) << 40))
      throw Error("IDX '" + name + "': dimensions too large");
  }
  size_t off = 4 + 4 * rank;
  if (b.size() - off != numel * elem)
    throw Error("IDX '" + name + "': data is " + std::to_string(b.size() - off) +
                " bytes, header says " + std::to_string(numel * elem));
  DType dt = type == 0x0D ? DType::F32 : type == 0x0E ? DType::F64 : DType::I64;
  Buffer out = Buffer::allocate(dt, shape);
  const uint8_t *p = b.data() + off;
  for (uint64_t i = 0; i < numel; ++i, p += elem) {
    switch (type) {
    case 0x08: out.data<int64_t>()[i] = p[0]; break;
    case 0x09: out.data<int64_t>()[i] = int8_t(p[0]); break;
    case 0x0B: out.data<int64_t>()[i] = int16_t((p[0] << 8) | p[1]); break;
    case 0x0C: out.data<int64_t>()[i] = int32_t(be32(p)); break;
    case 0x0D: {
      uint32_t u = be32(p);
      std::memcpy(&out.data<float>()[i], &u, 4);
      break;
    }
    default: {
      uint64_t u = (uint64_t(be32(p)) << 32) | be32(p + 4);
      std::memcpy(&out.data<double>()[i], &u, 8);
    }
    }
  }
  return out;
}

Buffer readCsv(const std::string &path, bool header) {
  std::ifstream in(path);
  if (!in)
    throw Error("cannot open '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return parseCsv(ss.str(), path, header);
}

Buffer parseCsv(const std::string &text, const std::string &name, bool header) {
  std::vector<float> vals;
  int64_t cols = -1, rows = 0, lineNo = 0;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    ++lineNo;
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if ((header && lineNo == 1) || line.empty())
      continue;
    int64_t n = 0;
    size_t pos = 0;
    for (;;) {
      size_t end = line.find(',', pos);
      std::string cell = line.substr(pos, end == std::string::npos ? end : end - pos);
      size_t a = cell.find_first_not_of(" \t"), z = cell.find_last_not_of(" \t");
      cell = a == std::string::npos ? "" : cell.substr(a, z - a + 1);
      float v = 0;
      auto [ptr, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
      if (cell.empty() || ec != std::errc() || ptr != cell.data() + cell.size())
        throw Error("CSV '" + name + "' line " + std::to_string(lineNo) + " column " +
                    std::to_string(n + 1) + ": '" + cell + "' is not a number");
      vals.push_back(v);
      ++n;
      if (end == std::string::npos)
        break;
      pos = end + 1;
    }
    if (cols >= 0 && n != cols)
      throw Error("CSV '" + name + "' line " + std::to_string(lineNo) + ": " + std::to_string(n) +
                  " columns, expected " + std::to_string(cols));
    cols = n;
    ++rows;
  }
  if (rows == 0)
    throw Error("CSV '" + name + "': no data rows");
  return Buffer::fromVector<float>({rows, cols}, vals);
}

Dataset splitLabels(const Buffer &table, int64_t labelColumn) {
  if (table.shape().size() != 2 || table.shape()[1] < 2)
    throw Error("splitLabels: expected a [rows, cols>=2] table, got " + table.type().str());
  int64_t rows = table.shape()[0], cols = table.shape()[1];
  int64_t lc = labelColumn < 0 ? labelColumn + cols : labelColumn;
  if (lc < 0 || lc >= cols)
    throw Error("splitLabels: label column " + std::to_string(labelColumn) + " out of range for " +
                std::to_string(cols) + " columns");
  Buffer x = Buffer::allocate(DType::F32, Shape{rows, cols - 1});
  Buffer y = Buffer::allocate(DType::I64, Shape{rows});
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0, k = 0; c < cols; ++c) {
      double v = table.at(r * cols + c);
      if (c == lc)
        y.data<int64_t>()[r] = static_cast<int64_t>(v);
      else
        x.data<float>()[r * (cols - 1) + k++] = static_cast<float>(v);
    }
  return Dataset(x, y);
}

Dataset loadNpyDataset(const std::string &xPath, const std::string &yPath) {
  Buffer x = readNpy(xPath), y = readNpy(yPath);
  if (x.shape().empty() || y.shape().empty() || x.shape()[0] != y.shape()[0])
    throw Error("NPY dataset: '" + xPath + "' is " + x.type().str() + " and '" + yPath + "' is " +
                y.type().str() + "; they need equal first dimensions");
  return Dataset(x, y);
}

Dataset loadFashionMnist(const std::string &dir, bool train) {
  std::string pre = train ? "train" : "t10k";
  auto find = [&](const std::string &base) {
    for (const std::string &f : {base + ".gz", base})
      if (std::filesystem::exists(dir + "/" + f))
        return dir + "/" + f;
    throw Error("Fashion-MNIST: no " + base + "(.gz) in '" + dir +
                "' (install Debian's dataset-fashion-mnist)");
  };
  Buffer img = readIdx(find(pre + "-images-idx3-ubyte"));
  Buffer lab = readIdx(find(pre + "-labels-idx1-ubyte"));
  if (img.shape().size() != 3 || lab.shape().size() != 1 || img.shape()[0] != lab.shape()[0])
    throw Error("Fashion-MNIST: images " + img.type().str() + " and labels " + lab.type().str() +
                " do not match");
  int64_t n = img.shape()[0], d = img.shape()[1] * img.shape()[2];
  Buffer x = Buffer::allocate(DType::F32, Shape{n, d});
  for (int64_t i = 0; i < n * d; ++i)
    x.data<float>()[i] = static_cast<float>(img.data<int64_t>()[i]) / 255.0f;
  return Dataset(x, lab);
}

} // namespace duet::data
