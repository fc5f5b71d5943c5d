//===- tests/nn/data_test.cpp - loaders, readers, checkpoints -------------===//
#include "backends/npy.h"
#include "frontend/data/dataset.h"
#include "frontend/data/readers.h"
#include "frontend/nn/checkpoint.h"
#include "ir/error.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

using namespace duet;
using namespace duet::data;

namespace {

Dataset counting(int64_t n) {
  std::vector<float> x;
  std::vector<int64_t> y;
  for (int64_t i = 0; i < n; ++i) {
    x.push_back(float(i));
    x.push_back(float(10 * i));
    y.push_back(i);
  }
  return Dataset(Buffer::fromVector<float>({n, 2}, x), Buffer::fromVector<int64_t>({n}, y));
}

std::vector<std::vector<int64_t>> epoch(DataLoader &dl) {
  std::vector<std::vector<int64_t>> out;
  Batch b;
  while (dl.next(b)) {
    std::vector<int64_t> ys;
    for (int64_t i = 0; i < b.size(); ++i) {
      ys.push_back(b.y.data<int64_t>()[i]);
      EXPECT_EQ(b.x.at(2 * i + 1), 10.0 * double(ys.back())); // rows stay together
    }
    out.push_back(ys);
  }
  return out;
}

std::string expectError(const std::function<void()> &f) {
  try {
    f();
  } catch (const Error &e) {
    return e.what();
  }
  ADD_FAILURE() << "no duet::Error";
  return "";
}

} // namespace

TEST(NnData, BatchingAndDropLast) {
  Dataset d = counting(10);
  DataLoader keep(d, {4, false, 0, false});
  EXPECT_EQ(keep.numBatches(), 3);
  using VV = std::vector<std::vector<int64_t>>;
  EXPECT_EQ(epoch(keep), (VV{{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9}}));
  DataLoader drop(d, {4, false, 0, true});
  EXPECT_EQ(drop.numBatches(), 2);
  EXPECT_EQ(epoch(drop), (VV{{0, 1, 2, 3}, {4, 5, 6, 7}}));
  EXPECT_THROW(DataLoader(d, {0}), Error);
}

// The README's form: the loader is built from a temporary dataset (it used
// to keep a reference to it, freed at the end of the statement).
TEST(NnData, LoaderBuiltFromATemporaryOwnsItsData) {
  DataLoader dl(counting(10), {4, true, 7, false});
  std::vector<int64_t> first = dl.order();
  for (int e = 0; e < 2; ++e) {
    std::vector<int64_t> seen;
    for (auto &batch : epoch(dl))
      seen.insert(seen.end(), batch.begin(), batch.end());
    if (e == 0) {
      EXPECT_EQ(seen, first);
    }
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(seen, (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
    dl.reset();
  }
  EXPECT_EQ(dl.dataset().size(), 10);
}

TEST(NnData, SeededShuffleIsDeterministicAndAPermutation) {
  Dataset d = counting(50);
  DataLoader a(d, {7, true, 42, false}), b(d, {7, true, 42, false}), c(d, {7, true, 43, false});
  auto ea = epoch(a), eb = epoch(b), ec = epoch(c);
  EXPECT_EQ(ea, eb);
  EXPECT_NE(ea, ec);
  std::vector<int64_t> all;
  for (auto &v : ea)
    all.insert(all.end(), v.begin(), v.end());
  std::vector<int64_t> sorted = all;
  std::sort(sorted.begin(), sorted.end());
  for (int64_t i = 0; i < 50; ++i)
    EXPECT_EQ(sorted[size_t(i)], i);
  EXPECT_NE(all, sorted);
  a.reset(); // a new epoch, a new order
  EXPECT_NE(epoch(a), ea);
}

TEST(NnData, IdxParsingAndErrors) {
  // ubyte, rank 2, [2, 3]
  std::vector<uint8_t> ok{0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 255};
  Buffer b = parseIdx(ok, "t");
  EXPECT_EQ(b.shape(), (Shape{2, 3}));
  EXPECT_EQ(b.toDoubles(), (std::vector<double>{1, 2, 3, 4, 5, 255}));
  std::vector<uint8_t> i32{0, 0, 0x0C, 1, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFE};
  EXPECT_EQ(parseIdx(i32, "t").at(0), -2.0);
  std::vector<uint8_t> shortData(ok.begin(), ok.end() - 1);
  EXPECT_NE(expectError([&] { parseIdx(shortData, "t.idx"); }).find("t.idx"), std::string::npos);
  std::vector<uint8_t> badMagic = ok;
  badMagic[0] = 7;
  EXPECT_NE(expectError([&] { parseIdx(badMagic, "t"); }).find("magic"), std::string::npos);
  std::vector<uint8_t> badType = ok;
  badType[2] = 0x42;
  EXPECT_NE(expectError([&] { parseIdx(badType, "t"); }).find("type"), std::string::npos);
  EXPECT_THROW(parseIdx(std::vector<uint8_t>{0, 0, 8, 3, 0}, "t"), Error);
  EXPECT_THROW(readIdx("/nonexistent/file.idx"), Error);
  // An uncompressed file on disk reads the same (gzread passes it through).
  std::string path = std::string(DUET_BINARY_DIR) + "/nn_plain.idx";
  {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char *>(ok.data()), std::streamsize(ok.size()));
  }
  EXPECT_EQ(readIdx(path).toDoubles(), b.toDoubles());
  std::filesystem::remove(path);
}

TEST(NnData, FashionMnistFilesWhenInstalled) {
  if (!std::filesystem::exists(kFashionMnistDir))
    GTEST_SKIP() << "dataset-fashion-mnist not installed";
  Dataset t = loadFashionMnist(kFashionMnistDir, false);
  EXPECT_EQ(t.x.shape(), (Shape{10000, 784}));
  EXPECT_EQ(t.y.shape(), (Shape{10000}));
  for (int64_t i = 0; i < 100; ++i) {
    EXPECT_GE(t.y.data<int64_t>()[i], 0);
    EXPECT_LT(t.y.data<int64_t>()[i], 10);
  }
}

TEST(NnData, CsvParsingAndErrors) {
  Buffer t = parseCsv("a,b,label\n1, 2.5,0\r\n-3,4e1,2\n", "t.csv", true);
  EXPECT_EQ(t.shape(), (Shape{2, 3}));
  EXPECT_EQ(t.toDoubles(), (std::vector<double>{1, 2.5, 0, -3, 40, 2}));
  Dataset d = splitLabels(t);
  EXPECT_EQ(d.x.toDoubles(), (std::vector<double>{1, 2.5, -3, 40}));
  EXPECT_EQ(d.y.toDoubles(), (std::vector<double>{0, 2}));
  std::string e = expectError([] { parseCsv("1,2\n3\n", "r.csv"); });
  EXPECT_NE(e.find("line 2"), std::string::npos) << e;
  e = expectError([] { parseCsv("1,x\n", "r.csv"); });
  EXPECT_NE(e.find("column 2"), std::string::npos) << e;
  EXPECT_THROW(parseCsv("", "r.csv"), Error);
  EXPECT_THROW(parseCsv("1,,2\n", "r.csv"), Error);
  EXPECT_THROW(splitLabels(t, 5), Error);
}

TEST(NnData, NpyDataset) {
  std::string dir = std::string(DUET_BINARY_DIR);
  writeNpy(dir + "/nn_x.npy", Buffer::fromVector<float>({3, 2}, {1, 2, 3, 4, 5, 6}));
  writeNpy(dir + "/nn_y.npy", Buffer::fromVector<int64_t>({3}, {0, 1, 0}));
  writeNpy(dir + "/nn_y4.npy", Buffer::fromVector<int64_t>({4}, {0, 1, 0, 1}));
  Dataset d = loadNpyDataset(dir + "/nn_x.npy", dir + "/nn_y.npy");
  EXPECT_EQ(d.size(), 3);
  EXPECT_EQ(d.x.at(5), 6.0);
  EXPECT_EQ(d.y.dtype(), DType::I64);
  std::string e = expectError([&] { loadNpyDataset(dir + "/nn_x.npy", dir + "/nn_y4.npy"); });
  EXPECT_NE(e.find("nn_y4.npy"), std::string::npos) << e;
  for (const char *f : {"/nn_x.npy", "/nn_y.npy", "/nn_y4.npy"})
    std::filesystem::remove(dir + f);
}

TEST(NnData, SyntheticSets) {
  Dataset s = spirals(100, 3, 0.1, 1);
  EXPECT_EQ(s.x.shape(), (Shape{300, 2}));
  EXPECT_EQ(s.y.at(299), 2.0);
  EXPECT_EQ(spirals(100, 3, 0.1, 1).x.toDoubles(), s.x.toDoubles());
  Dataset b = blobs(50, 4, 0.5, 2);
  EXPECT_EQ(b.size(), 200);
  // Blob 0 is centered at (4, 0).
  double mx = 0;
  for (int64_t i = 0; i < 50; ++i)
    mx += b.x.at(2 * i) / 50;
  EXPECT_NEAR(mx, 4.0, 0.3);
}

TEST(NnCheckpoint, RoundTripAndLayout) {
  ParamStore ps{{"fc.weight", Buffer::fromVector<float>({2, 2}, {1, 2, 3, 4})},
                {"fc.bias", Buffer::fromVector<double>({2}, {0.5, -1})},
                {"step", Buffer::fromVector<int64_t>({}, {7})},
                {"mask", Buffer::fromVector<bool>({3}, {true, false, true})}};
  std::vector<uint8_t> bytes = nn::encodeSafetensors(ps);
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i)
    n = (n << 8) | bytes[size_t(i)];
  EXPECT_EQ(n % 8, 0u);
  EXPECT_EQ(bytes.size(), 8 + n + 16 + 16 + 8 + 3);
  std::string header(bytes.begin() + 8, bytes.begin() + 8 + long(n));
  EXPECT_NE(header.find("\"fc.bias\":{\"data_offsets\":[0,16],\"dtype\":\"F64\",\"shape\":[2]}"),
            std::string::npos)
      << header;
  std::string path = std::string(DUET_BINARY_DIR) + "/nn_ckpt_test.safetensors";
  nn::saveSafetensors(path, ps);
  ParamStore back = nn::loadSafetensors(path);
  ASSERT_EQ(back.size(), ps.size());
  for (const auto &[k, v] : ps) {
    EXPECT_EQ(back.at(k).type(), v.type()) << k;
    EXPECT_EQ(back.at(k).toDoubles(), v.toDoubles()) << k;
  }
  std::filesystem::remove(path);
}

TEST(NnCheckpoint, CorruptFieldsAreNamedErrors) {
  auto make = [](const std::string &header, size_t dataBytes) {
    std::vector<uint8_t> b;
    b.reserve(8 + header.size() + dataBytes);
    for (int i = 0; i < 8; ++i)
      b.push_back(uint8_t(header.size() >> (8 * i)));
    for (char c : header)
      b.push_back(uint8_t(c));
    for (size_t i = 0; i < dataBytes; ++i)
      b.push_back(0);
    return b;
  };
  auto err = [&](const std::string &h, size_t data) {
    return expectError([&] { nn::parseSafetensors(make(h, data), "c.st"); });
  };
  const std::string okEntry = R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  EXPECT_EQ(nn::parseSafetensors(make(okEntry, 8), "c").at("w").numel(), 2);
  EXPECT_NE(err(R"({"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}})", 4).find("'dtype'"),
            std::string::npos);
  EXPECT_NE(err(R"({"w":{"shape":[2],"data_offsets":[0,8]}})", 8).find("'dtype'"),
            std::string::npos);
  EXPECT_NE(err(R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", 8).find("'shape'"),
            std::string::npos);
  EXPECT_NE(err(R"({"w":{"dtype":"F32","shape":"2","data_offsets":[0,8]}})", 8).find("'shape'"),
            std::string::npos);
  EXPECT_NE(
      err(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,12]}})", 8).find("'data_offsets'"),
      std::string::npos);
  EXPECT_NE(
      err(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8).find("'data_offsets'"),
      std::string::npos);
  EXPECT_NE(
      err(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", 8).find("'data_offsets'"),
      std::string::npos);
  EXPECT_NE(err(R"({"w":{"dtype":"F32","shape":[2]}})", 8).find("'data_offsets'"),
            std::string::npos);
  EXPECT_NE(err("{not json", 0).find("JSON"), std::string::npos);
  EXPECT_NE(err("[1,2]", 0).find("JSON object"), std::string::npos);
  std::vector<uint8_t> huge = make(okEntry, 8);
  huge[7] = 0x7f; // header length far beyond the file
  EXPECT_NE(expectError([&] { nn::parseSafetensors(huge, "c"); }).find("header length"),
            std::string::npos);
  EXPECT_THROW(nn::parseSafetensors(std::vector<uint8_t>{1, 2}, "c"), Error);
  EXPECT_THROW(nn::loadSafetensors("/nonexistent.safetensors"), Error);
}
