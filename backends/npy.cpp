//===- backends/npy.cpp - NumPy .npy files --------------------------------===//
//
// Format (numpy/lib/format.py): "\x93NUMPY", major, minor, header length
// (uint16 LE for 1.0, uint32 LE for 2.0/3.0), then a Python dict literal
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } padded with
// spaces and ended by '\n', then the raw data. Everything read from the file
// is bounds-checked before use.
//
#include "backends/npy.h"

#include "ir/error.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

namespace duet {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;

[[noreturn]] void fail(const std::string &path, const std::string &what) {
  throw Error(fmt::format("{}: {}", path, what));
}

/// The header dict, parsed.
struct NpyHeader {
  std::string descr;
  bool fortranOrder = false;
  Shape shape;
};

/// A tiny parser for the Python literal subset .npy headers use.
class HeaderParser {
public:
  HeaderParser(std::string_view text, const std::string &path) : s_(text), path_(path) {}

  NpyHeader parse() {
    NpyHeader h;
    bool haveDescr = false, haveOrder = false, haveShape = false;
    expect('{');
    while (true) {
      skipSpace();
      if (peek() == '}') {
        ++pos_;
        break;
      }
      std::string key = parseString();
      expect(':');
      if (key == "descr") {
        h.descr = parseString();
        haveDescr = true;
      } else if (key == "fortran_order") {
        h.fortranOrder = parseBool();
        haveOrder = true;
      } else if (key == "shape") {
        h.shape = parseShape();
        haveShape = true;
      } else {
        bad(fmt::format("unexpected key '{}'", key));
      }
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      expect('}');
      break;
    }
    skipSpace();
    if (pos_ != s_.size())
      bad("unexpected text after the dict");
    if (!haveDescr)
      bad("missing 'descr'");
    if (!haveOrder)
      bad("missing 'fortran_order'");
    if (!haveShape)
      bad("missing 'shape'");
    return h;
  }

private:
  [[noreturn]] void bad(const std::string &what) const {
    fail(path_, "malformed header: " + what);
  }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' ||
                                s_[pos_] == '\r'))
      ++pos_;
  }
  void expect(char c) {
    skipSpace();
    if (peek() != c)
      bad(fmt::format("expected '{}' at offset {}", c, pos_));
    ++pos_;
  }
  std::string parseString() {
    skipSpace();
    char q = peek();
    if (q != '\'' && q != '"')
      bad(fmt::format("expected a string at offset {}", pos_));
    size_t end = s_.find(q, pos_ + 1);
    if (end == std::string_view::npos)
      bad("unterminated string");
    std::string out(s_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = end + 1;
    return out;
  }
  bool parseBool() {
    skipSpace();
    if (s_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (s_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    bad("'fortran_order' must be True or False");
  }
  int64_t parseInt() {
    skipSpace();
    if (peek() < '0' || peek() > '9')
      bad(fmt::format("expected a non-negative dimension at offset {}", pos_));
    int64_t v = 0;
    while (peek() >= '0' && peek() <= '9') {
      int d = peek() - '0';
      if (v > (std::numeric_limits<int64_t>::max() - d) / 10)
        bad("dimension too large");
      v = v * 10 + d;
      ++pos_;
    }
    if (peek() == 'L') // Python 2 long literal
      ++pos_;
    return v;
  }
  Shape parseShape() {
    Shape shape;
    expect('(');
    while (true) {
      skipSpace();
      if (peek() == ')') {
        ++pos_;
        return shape;
      }
      shape.push_back(parseInt());
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      expect(')');
      return shape;
    }
  }

  std::string_view s_;
  const std::string &path_;
  size_t pos_ = 0;
};

/// How a descr maps onto our dtypes.
struct NpyDType {
  DType dtype;
  size_t fileItemSize;
  bool widenI32 = false;
};

NpyDType parseDescr(const std::string &descr, const std::string &path) {
  const std::string supported = "supported: <f4, <f8, <i8, <i4 (read as i64), |b1";
  if (descr.size() >= 2 && descr[0] == '>' && descr.substr(1) != "b1" && descr.substr(1) != "u1")
    fail(path, fmt::format("big-endian dtype '{}' is not supported (convert with "
                           "arr.astype(arr.dtype.newbyteorder('<')))",
                           descr));
  // '=' is native order, little-endian on every machine duet runs on.
  std::string body = descr;
  if (!body.empty() && (body[0] == '<' || body[0] == '=' || body[0] == '|'))
    body = body.substr(1);
  if (body == "f4")
    return {DType::F32, 4};
  if (body == "f8")
    return {DType::F64, 8};
  if (body == "i8")
    return {DType::I64, 8};
  if (body == "i4")
    return {DType::I64, 4, true};
  if (body == "b1")
    return {DType::Bool, 1};
  fail(path, fmt::format("unsupported dtype '{}' ({})", descr, supported));
}

std::string readWholeFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    fail(path, fmt::format("cannot open: {}", std::strerror(errno)));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad())
    fail(path, "read error");
  return bytes;
}

uint32_t readLE(std::string_view bytes, size_t at, size_t n) {
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i)
    v |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  return v;
}

std::string_view descrOf(DType t) {
  switch (t) {
  case DType::F32: return "<f4";
  case DType::F64: return "<f8";
  case DType::I64: return "<i8";
  case DType::Bool: return "|b1";
  }
  return "?";
}

} // namespace

Buffer readNpy(const std::string &path, std::string *fileType) {
  const std::string bytes = readWholeFile(path);
  return parseNpy(std::span(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()), path,
                  fileType);
}

Buffer parseNpy(std::span<const uint8_t> data, const std::string &path, std::string *fileType) {
  const std::string_view bytes(reinterpret_cast<const char *>(data.data()), data.size());
  if (bytes.size() < kMagicLen + 2 || std::memcmp(bytes.data(), kMagic, kMagicLen) != 0)
    fail(path, "not a .npy file (bad magic)");
  const int major = static_cast<unsigned char>(bytes[6]);
  const int minor = static_cast<unsigned char>(bytes[7]);
  if (major < 1 || major > 3 || minor != 0)
    fail(path, fmt::format("unsupported .npy version {}.{} (supported: 1.0, 2.0, 3.0)", major,
                           minor));
  const size_t lenBytes = major == 1 ? 2 : 4;
  const size_t headerStart = 8 + lenBytes;
  if (bytes.size() < headerStart)
    fail(path, "truncated: file ends inside the header length");
  const size_t headerLen = readLE(bytes, 8, lenBytes);
  if (bytes.size() - headerStart < headerLen)
    fail(path, fmt::format("truncated: header says it is {} bytes, file has {} after the "
                           "preamble",
                           headerLen, bytes.size() - headerStart));
  const std::string_view headerText(bytes.data() + headerStart, headerLen);
  NpyHeader h = HeaderParser(headerText, path).parse();

  const NpyDType dt = parseDescr(h.descr, path);
  if (h.fortranOrder)
    fail(path, "Fortran-ordered arrays are not supported (save with np.ascontiguousarray)");

  // Element count and byte size, overflow-checked.
  int64_t count = 1;
  for (int64_t d : h.shape) {
    if (d != 0 && count > std::numeric_limits<int64_t>::max() / d)
      fail(path, fmt::format("shape {} is too large", shapeToString(h.shape)));
    count *= d;
  }
  const size_t dataStart = headerStart + headerLen;
  const size_t available = bytes.size() - dataStart;
  if (static_cast<uint64_t>(count) > std::numeric_limits<uint64_t>::max() / dt.fileItemSize)
    fail(path, fmt::format("shape {} is too large", shapeToString(h.shape)));
  const uint64_t needed = static_cast<uint64_t>(count) * dt.fileItemSize;
  if (needed > available)
    fail(path, fmt::format("truncated: header says {} bytes of data, file has {}", needed,
                           available));
  if (needed < available)
    fail(path, fmt::format("{} unexpected bytes after the data (header says {} bytes of data)",
                           available - needed, needed));

  Buffer out = Buffer::allocate(dt.dtype, h.shape);
  if (fileType)
    *fileType = dt.widenI32 ? "i32" + shapeToString(h.shape) : out.type().str();
  const char *src = bytes.data() + dataStart;
  if (dt.widenI32) {
    int64_t *dst = out.data<int64_t>();
    for (int64_t i = 0; i < count; ++i) {
      int32_t v;
      std::memcpy(&v, src + i * 4, 4);
      dst[i] = v;
    }
  } else if (dt.dtype == DType::Bool) {
    // Any non-zero byte is true; never store other values in a C++ bool.
    bool *dst = out.data<bool>();
    for (int64_t i = 0; i < count; ++i)
      dst[i] = src[i] != 0;
  } else if (needed > 0) {
    std::memcpy(out.raw(), src, needed);
  }
  return out;
}

void writeNpy(const std::string &path, const Buffer &buffer) {
  if (!buffer.defined())
    fail(path, "cannot write an undefined buffer");
  std::string shape = "(";
  for (size_t i = 0; i < buffer.shape().size(); ++i)
    shape += fmt::format("{}{}", buffer.shape()[i], i + 1 < buffer.shape().size() ? ", " : "");
  if (buffer.shape().size() == 1)
    shape += ",";
  shape += ")";
  std::string header = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}",
                                   descrOf(buffer.dtype()), shape);
  // Pad with spaces so the data starts at a multiple of 64 bytes; end with
  // '\n'. Version 2.0 only when the header does not fit a uint16 length.
  auto paddedLen = [&](size_t lenBytes) {
    size_t total = kMagicLen + 2 + lenBytes + header.size() + 1;
    return header.size() + 1 + (64 - total % 64) % 64;
  };
  const size_t lenBytes = paddedLen(2) <= 65535 ? 2 : 4;
  header.append(paddedLen(lenBytes) - header.size() - 1, ' ');
  header.push_back('\n');

  std::string pre(kMagic, kMagicLen);
  pre.push_back(static_cast<char>(lenBytes == 2 ? 1 : 2));
  pre.push_back(0);
  for (size_t i = 0; i < lenBytes; ++i)
    pre.push_back(static_cast<char>((header.size() >> (8 * i)) & 0xff));

  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    fail(path, fmt::format("cannot write: {}", std::strerror(errno)));
  out.write(pre.data(), static_cast<std::streamsize>(pre.size()));
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  if (buffer.dtype() == DType::Bool) {
    // Write canonical 0/1 bytes.
    std::string data(static_cast<size_t>(buffer.numel()), '\0');
    for (int64_t i = 0; i < buffer.numel(); ++i)
      data[i] = buffer.data<bool>()[i] ? 1 : 0;
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
  } else {
    out.write(static_cast<const char *>(buffer.raw()),
              static_cast<std::streamsize>(buffer.nbytes()));
  }
  out.close();
  if (!out)
    fail(path, fmt::format("cannot write: {}", std::strerror(errno)));
}

} // namespace duet
