//===- frontend/data/dataset.cpp - in-memory datasets and batching --------===//
#include "frontend/data/dataset.h"

#include "ir/error.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <numbers>
#include <numeric>

namespace duet::data {

Dataset::Dataset(Buffer xs, Buffer ys) : x(std::move(xs)), y(std::move(ys)) {
  if (!x.defined() || !y.defined() || x.shape().empty() || y.shape().empty())
    throw Error("Dataset: x and y must be buffers of rank >= 1");
  if (x.shape()[0] != y.shape()[0])
    throw Error("Dataset: x has " + std::to_string(x.shape()[0]) + " samples but y has " +
                std::to_string(y.shape()[0]));
}

Dataset Dataset::take(int64_t n) const {
  n = std::clamp<int64_t>(n, 0, size());
  std::vector<int64_t> rows(static_cast<size_t>(n));
  std::iota(rows.begin(), rows.end(), 0);
  return Dataset(gatherRows(x, rows), gatherRows(y, rows));
}

Buffer gatherRows(const Buffer &b, const std::vector<int64_t> &rows) {
  Shape dims = b.shape();
  int64_t n = dims.at(0);
  size_t rowBytes = n == 0 ? 0 : b.nbytes() / static_cast<size_t>(n);
  dims[0] = static_cast<int64_t>(rows.size());
  Buffer out = Buffer::allocate(b.dtype(), Shape(dims));
  auto *dst = static_cast<char *>(out.raw());
  const auto *src = static_cast<const char *>(b.raw());
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i] < 0 || rows[i] >= n)
      throw Error("gatherRows: row " + std::to_string(rows[i]) + " out of range for " +
                  b.type().str());
    std::memcpy(dst + i * rowBytes, src + static_cast<size_t>(rows[i]) * rowBytes, rowBytes);
  }
  return out;
}

DataLoader::DataLoader(Dataset data, DataLoaderOptions opts)
    : data_(std::move(data)), opts_(opts), rng_(opts.seed) {
  if (opts_.batchSize <= 0)
    throw Error("DataLoader: batch size must be positive, got " + std::to_string(opts_.batchSize));
  if (opts_.worldSize < 1 || opts_.rank < 0 || opts_.rank >= opts_.worldSize)
    throw Error("DataLoader: rank " + std::to_string(opts_.rank) + " is outside a world of " +
                std::to_string(opts_.worldSize));
  reset();
}

int64_t DataLoader::numBatches() const {
  int64_t n = data_.size(), g = opts_.batchSize * opts_.worldSize, rest = n % g;
  return n / g + (!opts_.dropLast && rest >= opts_.worldSize ? 1 : 0);
}

void DataLoader::reset() {
  order_.resize(static_cast<size_t>(data_.size()));
  std::iota(order_.begin(), order_.end(), 0);
  if (opts_.shuffle) // Fisher-Yates with our own draws: the same on every library.
    for (size_t i = order_.size(); i > 1; --i) {
      size_t j = static_cast<size_t>(rng_() % i);
      std::swap(order_[i - 1], order_[j]);
    }
  pos_ = 0;
}

bool DataLoader::next(Batch &batch) {
  const int64_t n = data_.size(), ranks = opts_.worldSize, r = opts_.rank;
  const int64_t global = opts_.batchSize * ranks;
  int64_t len = std::min(global, n - pos_);
  if (len <= 0 || (opts_.dropLast && len < global) || len < ranks)
    return false;
  // This rank's slice of the global batch: equal slices when it is full,
  // sizes differing by at most one in a short last batch.
  int64_t base = len / ranks, extra = len % ranks;
  int64_t begin = pos_ + r * base + std::min(r, extra);
  int64_t size = base + (r < extra ? 1 : 0);
  std::vector<int64_t> rows(order_.begin() + begin, order_.begin() + begin + size);
  pos_ += len;
  batch.x = gatherRows(data_.x, rows);
  batch.y = gatherRows(data_.y, rows);
  return true;
}

namespace {
Dataset makeSet(int64_t perClass, int64_t classes, uint64_t seed,
                const std::function<void(int64_t, int64_t, std::mt19937_64 &, float *)> &gen) {
  if (perClass <= 0 || classes <= 0)
    throw Error("synthetic dataset: sizes must be positive");
  int64_t n = perClass * classes;
  Buffer x = Buffer::allocate(DType::F32, Shape{n, 2});
  Buffer y = Buffer::allocate(DType::I64, Shape{n});
  std::mt19937_64 rng(seed);
  for (int64_t c = 0; c < classes; ++c)
    for (int64_t i = 0; i < perClass; ++i) {
      int64_t k = c * perClass + i;
      gen(c, i, rng, x.data<float>() + 2 * k);
      y.data<int64_t>()[k] = c;
    }
  return Dataset(x, y);
}
} // namespace

Dataset spirals(int64_t perClass, int64_t classes, double noise, uint64_t seed) {
  return makeSet(perClass, classes, seed, [=](int64_t c, int64_t i, auto &rng, float *p) {
    std::normal_distribution<double> d(0, noise);
    double r = double(i) / double(perClass);
    double t = 1.75 * r * 2 * std::numbers::pi + 2 * std::numbers::pi * double(c) / double(classes);
    p[0] = float(r * std::sin(t) + d(rng));
    p[1] = float(r * std::cos(t) + d(rng));
  });
}

Dataset blobs(int64_t perClass, int64_t classes, double stddev, uint64_t seed) {
  return makeSet(perClass, classes, seed, [=](int64_t c, int64_t, auto &rng, float *p) {
    std::normal_distribution<double> d(0, stddev);
    double a = 2 * std::numbers::pi * double(c) / double(classes);
    p[0] = float(4 * std::cos(a) + d(rng));
    p[1] = float(4 * std::sin(a) + d(rng));
  });
}

} // namespace duet::data
