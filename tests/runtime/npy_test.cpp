//===- tests/runtime/npy_test.cpp - reading and writing .npy files --------===//
#include "backends/npy.h"
#include "ir/error.h"
#include "test_util.h"

#include <fmt/format.h>

#include <cstring>
#include <fstream>

namespace duet {
namespace {

using test::errorOf;
using test::TempDir;

std::string readBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeBytes(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// A .npy file by hand: version, header text (unpadded is fine), raw data.
std::string npyFile(const std::string &header, const std::string &data, int major = 1) {
  std::string s("\x93NUMPY", 6);
  s.push_back(static_cast<char>(major));
  s.push_back(0);
  size_t len = header.size();
  for (int i = 0; i < (major == 1 ? 2 : 4); ++i)
    s.push_back(static_cast<char>((len >> (8 * i)) & 0xff));
  return s + header + data;
}

std::string header(const std::string &descr, const std::string &shape, bool fortran = false) {
  return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
         ", 'shape': " + shape + ", }\n";
}

template <class T> std::string rawData(const std::vector<T> &v) {
  return std::string(reinterpret_cast<const char *>(v.data()), v.size() * sizeof(T));
}

void expectSame(const Buffer &a, const Buffer &b) {
  ASSERT_EQ(a.type(), b.type());
  EXPECT_EQ(a.toDoubles(), b.toDoubles());
}

TEST(Npy, RoundTripEveryDType) {
  TempDir dir;
  std::vector<Buffer> buffers = {
      test::makeBuffer({DType::F32, {2, 3}}, [](int64_t i) { return 0.5 * i - 1.25; }),
      test::makeBuffer({DType::F64, {4}}, [](int64_t i) { return 1e-300 * (i + 1); }),
      test::makeBuffer({DType::I64, {2, 2, 2}}, [](int64_t i) { return (i - 4) * 1000000007LL; }),
      test::makeBuffer({DType::Bool, {5}}, [](int64_t i) { return i % 2 == 0; }),
      test::makeBuffer({DType::F32, {}}, [](int64_t) { return 3.5; }),  // scalar
      test::makeBuffer({DType::F32, {0, 3}}, [](int64_t) { return 0; }), // empty
  };
  for (size_t i = 0; i < buffers.size(); ++i) {
    std::string path = dir.file(fmt::format("a{}.npy", i));
    writeNpy(path, buffers[i]);
    SCOPED_TRACE(buffers[i].type().str());
    expectSame(readNpy(path), buffers[i]);
  }
}

TEST(Npy, WritesWhatNumpyWrites) {
  // np.save of a float32 (2,3) array: v1.0, 118-byte header, data at 128.
  TempDir dir;
  std::string path = dir.file("x.npy");
  writeNpy(path, test::makeBuffer({DType::F32, {2, 3}}, [](int64_t i) { return i; }));
  std::string bytes = readBytes(path);
  ASSERT_EQ(bytes.size(), 128u + 6 * 4);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  EXPECT_EQ(static_cast<unsigned char>(bytes[8]), 118);
  EXPECT_EQ(bytes[9], 0);
  std::string text = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  EXPECT_EQ(bytes.substr(10, text.size()), text);
  EXPECT_EQ(bytes[127], '\n');
  float third;
  std::memcpy(&third, bytes.data() + 128 + 2 * 4, 4);
  EXPECT_EQ(third, 2.0f);

  writeNpy(path, test::makeBuffer({DType::Bool, {3}}, [](int64_t) { return 1; }));
  EXPECT_NE(readBytes(path).find("'descr': '|b1'"), std::string::npos);
  EXPECT_NE(readBytes(path).find("'shape': (3,)"), std::string::npos);
}

TEST(Npy, ReadsInt32AsInt64AndVersions2And3) {
  TempDir dir;
  std::string path = dir.file("i.npy");
  writeBytes(path, npyFile(header("<i4", "(3,)"), rawData<int32_t>({-7, 0, 2147483647})));
  Buffer b = readNpy(path);
  ASSERT_EQ(b.type(), (TensorType{DType::I64, {3}}));
  EXPECT_EQ(b.data<int64_t>()[0], -7);
  EXPECT_EQ(b.data<int64_t>()[2], 2147483647);

  for (int major : {2, 3}) {
    writeBytes(path, npyFile(header("<f8", "(1, 2)"), rawData<double>({1.5, -2.5}), major));
    Buffer v = readNpy(path);
    ASSERT_EQ(v.type(), (TensorType{DType::F64, {1, 2}}));
    EXPECT_EQ(v.toDoubles(), (std::vector<double>{1.5, -2.5}));
  }
}

TEST(Npy, BoolBytesAreNormalized) {
  TempDir dir;
  std::string path = dir.file("b.npy");
  writeBytes(path, npyFile(header("|b1", "(3,)"), std::string("\x00\x02\x01", 3)));
  EXPECT_EQ(readNpy(path).toDoubles(), (std::vector<double>{0, 1, 1}));
}

TEST(Npy, MalformedFilesAreClearErrors) {
  TempDir dir;
  std::string p = dir.file("x.npy");
  auto errorFor = [&](const std::string &bytes) {
    writeBytes(p, bytes);
    return errorOf([&] { readNpy(p); });
  };
  const std::string f32x6 = rawData<float>({1, 2, 3, 4, 5, 6});

  EXPECT_EQ(errorFor("PK\x03\x04 not numpy"), p + ": not a .npy file (bad magic)");
  EXPECT_EQ(errorFor(""), p + ": not a .npy file (bad magic)");
  EXPECT_EQ(errorFor(std::string("\x93NUMPY\x04\x00", 8) + "xx"),
            p + ": unsupported .npy version 4.0 (supported: 1.0, 2.0, 3.0)");
  EXPECT_EQ(errorFor(std::string("\x93NUMPY\x02\x00\x01", 9)),
            p + ": truncated: file ends inside the header length");
  EXPECT_EQ(errorFor(npyFile(header("<f4", "(2, 3)"), f32x6).substr(0, 30)),
            p + ": truncated: header says it is 60 bytes, file has 20 after the preamble");
  // The case the brief names: 768 floats promised, 100 bytes present.
  EXPECT_EQ(errorFor(npyFile(header("<f4", "(3, 256)"), std::string(100, '\0'))),
            p + ": truncated: header says 3072 bytes of data, file has 100");
  EXPECT_EQ(errorFor(npyFile(header("<f4", "(2, 3)"), f32x6 + "junk")),
            p + ": 4 unexpected bytes after the data (header says 24 bytes of data)");
  EXPECT_EQ(errorFor(npyFile(header("<c8", "(2,)"), std::string(16, '\0'))),
            p + ": unsupported dtype '<c8' (supported: <f4, <f8, <i8, <i4 (read as i64), |b1)");
  EXPECT_EQ(errorFor(npyFile(header("|u1", "(2,)"), std::string(2, '\0'))),
            p + ": unsupported dtype '|u1' (supported: <f4, <f8, <i8, <i4 (read as i64), |b1)");
  EXPECT_EQ(errorFor(npyFile(header(">f4", "(2, 3)"), f32x6)),
            p + ": big-endian dtype '>f4' is not supported (convert with "
                "arr.astype(arr.dtype.newbyteorder('<')))");
  EXPECT_EQ(errorFor(npyFile(header("<f4", "(2, 3)", true), f32x6)),
            p + ": Fortran-ordered arrays are not supported (save with np.ascontiguousarray)");
  EXPECT_EQ(errorFor(npyFile("{'descr': '<f4', 'fortran_order': False}\n", f32x6)),
            p + ": malformed header: missing 'shape'");
  EXPECT_EQ(errorFor(npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }",
                             f32x6)),
            p + ": malformed header: expected a non-negative dimension at offset 54");
  EXPECT_EQ(errorFor(npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (2,3), "
                             "'extra': 1}",
                             f32x6)),
            p + ": malformed header: unexpected key 'extra'");
  EXPECT_EQ(errorFor(npyFile("{'descr': '<f4', 'fortran_order': Nope, 'shape': (6,)}", f32x6)),
            p + ": malformed header: 'fortran_order' must be True or False");
  EXPECT_EQ(errorFor(npyFile("{'descr': '<f4", f32x6)), p + ": malformed header: unterminated "
                                                            "string");
  EXPECT_EQ(errorFor(npyFile(header("<f4", "(99999999999, 99999999999)"), f32x6)),
            p + ": shape [99999999999,99999999999] is too large");

  const std::string missing = dir.file("missing.npy");
  EXPECT_EQ(errorOf([&] { readNpy(missing); }),
            missing + ": cannot open: No such file or directory");
  const std::string badDir = dir.file("no/such/dir.npy");
  EXPECT_EQ(errorOf([&] { writeNpy(badDir, Buffer::full({DType::F32, {1}}, 1)); }),
            badDir + ": cannot write: No such file or directory");
}

} // namespace
} // namespace duet
