//===- frontend/data/dataset.h - in-memory datasets and batching -*- C++ -*-===//
//
// A Dataset is a pair of buffers whose first dimension indexes samples
// (features x [N, ...] and targets y [N, ...]); a DataLoader cuts it into
// batches, optionally shuffled with a seeded generator (a new permutation
// each epoch, the same sequence for the same seed).
//
#pragma once

#include "backends/buffer.h"

#include <cstdint>
#include <random>
#include <vector>

namespace duet::data {

struct Dataset {
  Buffer x, y;
  /// Throws duet::Error unless x and y are rank >= 1 with equal first dims.
  Dataset(Buffer x, Buffer y);
  int64_t size() const { return x.shape()[0]; }
  /// The first n samples (n >= size(): all of them), copied.
  Dataset take(int64_t n) const;
};

/// Rows `rows` of b (first dimension), copied into a new buffer.
Buffer gatherRows(const Buffer &b, const std::vector<int64_t> &rows);

struct Batch {
  Buffer x, y;
  int64_t size() const { return x.shape()[0]; }
};

struct DataLoaderOptions {
  int64_t batchSize = 32;
  bool shuffle = false;
  uint64_t seed = 0;
  bool dropLast = false;
  /// Data-parallel sharding: the loader walks global batches of
  /// batchSize * worldSize samples (the same order on every rank for the
  /// same seed) and yields rank `rank`'s contiguous slice of each, so the
  /// ranks' batches are disjoint and together are exactly the global batch.
  /// A short last global batch is split into near-equal slices, or dropped
  /// when it has fewer samples than ranks (every rank must step alike).
  int rank = 0;
  int worldSize = 1;
};

/// Holds its own Dataset (a copy shares the buffers' data, so this is cheap),
/// so a loader built from a temporary, `DataLoader(loadFashionMnist(...), o)`,
/// stays valid.
class DataLoader {
public:
  DataLoader(Dataset data, DataLoaderOptions opts);
  /// Batches in one epoch (for this rank; the same on every rank).
  int64_t numBatches() const;
  /// Starts a new epoch (reshuffles when shuffling).
  void reset();
  /// The next batch of this epoch; false at its end.
  bool next(Batch &batch);
  /// The sample order of the current epoch.
  const std::vector<int64_t> &order() const { return order_; }
  const Dataset &dataset() const { return data_; }
  const DataLoaderOptions &options() const { return opts_; }

private:
  Dataset data_;
  DataLoaderOptions opts_;
  std::mt19937_64 rng_;
  std::vector<int64_t> order_;
  int64_t pos_ = 0;
};

/// Synthetic classification sets (f32 x [N,2], i64 y [N]) for fast tests:
/// `classes` interleaved spirals with Gaussian noise, and Gaussian blobs
/// around centers on a circle of radius 4.
Dataset spirals(int64_t perClass, int64_t classes = 2, double noise = 0.1, uint64_t seed = 0);
Dataset blobs(int64_t perClass, int64_t classes = 3, double stddev = 0.5, uint64_t seed = 0);

} // namespace duet::data
