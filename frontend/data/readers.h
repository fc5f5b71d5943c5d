//===- frontend/data/readers.h - IDX, CSV and Fashion-MNIST ------*- C++ -*-===//
//
// File readers for datasets. Every problem with a file (missing, truncated,
// bad magic, wrong sizes, a non-number in a CSV cell) throws duet::Error
// naming the file and what is wrong.
//
#pragma once

#include "backends/buffer.h"
#include "frontend/data/dataset.h"

#include <cstdint>
#include <span>
#include <string>

namespace duet::data {

/// Reads an IDX file (the MNIST format), plain or gzip-compressed. Integer
/// element types (ubyte, byte, short, int) become i64, float f32, double f64;
/// the shape is the header's.
Buffer readIdx(const std::string &path);
/// The same from bytes in memory (uncompressed); `name` stands for the file.
Buffer parseIdx(std::span<const uint8_t> bytes, const std::string &name);

/// Reads a CSV file of numbers into f32 [rows, cols]; `header` skips the
/// first line. Every row must have the same number of cells.
Buffer readCsv(const std::string &path, bool header = false);
Buffer parseCsv(const std::string &text, const std::string &name, bool header = false);
/// Splits a [rows, cols] table into x (all other columns, f32) and integer
/// labels y (i64) from column `labelColumn` (negative counts from the end).
Dataset splitLabels(const Buffer &table, int64_t labelColumn = -1);

/// A dataset from two .npy files (backends/npy.h): features and targets
/// with equal first dimensions.
Dataset loadNpyDataset(const std::string &xPath, const std::string &yPath);

/// Fashion-MNIST from `dir` (Debian's dataset-fashion-mnist installs
/// /usr/share/datasets/fashion-mnist): x f32 [N, 784] scaled to [0, 1],
/// y i64 [N]. `train` picks train-* (60000) or t10k-* (10000).
Dataset loadFashionMnist(const std::string &dir, bool train);
inline constexpr const char *kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

} // namespace duet::data
