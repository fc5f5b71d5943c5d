//===- tests/import/import_test_util.h - the generated test models -*- C++ -*-===//
//
// make_models.py writes, per model NAME, into DUET_BINARY_DIR/import_models:
// NAME.pt, NAME.shapes, NAME.in<i>.npy and PyTorch's outputs NAME.ref<i>.npy.
//
#pragma once

#include "backends/npy.h"
#include "backends/runtime/compile.h"
#include "frontend/import/import.h"
#include "frontend/nn/checkpoint.h"
#include "ir/parser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

namespace duet::test {

inline std::string modelsDir() { return std::string(DUET_BINARY_DIR) + "/import_models"; }
inline std::string modelPath(const std::string &name, const std::string &suffix) {
  return modelsDir() + "/" + name + suffix;
}

inline std::vector<Shape> modelShapes(const std::string &name) {
  std::ifstream in(modelPath(name, ".shapes"));
  std::vector<Shape> shapes;
  for (std::string line; std::getline(in, line);) {
    Shape s;
    for (size_t at = 0; at < line.size();) {
      size_t x = std::min(line.find('x', at), line.size());
      s.push_back(std::stoll(line.substr(at, x - at)));
      at = x + 1;
    }
    shapes.push_back(s);
  }
  return shapes;
}

/// NAME.<kind>0.npy, NAME.<kind>1.npy, ... while they exist.
inline std::vector<Buffer> modelArrays(const std::string &name, const std::string &kind) {
  std::vector<Buffer> out;
  for (int i = 0; std::filesystem::exists(modelPath(name, "." + kind + std::to_string(i) + ".npy"));
       ++i)
    out.push_back(readNpy(modelPath(name, "." + kind + std::to_string(i) + ".npy")));
  return out;
}

/// max |got - ref| / max |ref|: the error relative to the output's scale.
inline double relativeError(const Buffer &got, const Buffer &ref) {
  std::vector<double> g = got.toDoubles(), r = ref.toDoubles();
  double err = 0, scale = 0;
  for (size_t i = 0; i < r.size(); ++i) {
    err = std::max(err, std::abs(g[i] - r[i]));
    scale = std::max(scale, std::abs(r[i]));
  }
  return std::isnan(err) ? INFINITY : err / std::max(scale, 1e-30);
}

/// Checks every output against PyTorch's within 1e-4 of the output scale.
inline void expectMatches(const std::vector<Buffer> &got, const std::vector<Buffer> &ref,
                          const std::string &what) {
  ASSERT_EQ(got.size(), ref.size()) << what;
  for (size_t i = 0; i < ref.size(); ++i) {
    ASSERT_EQ(got[i].shape(), ref[i].shape()) << what << " output " << i;
    EXPECT_LT(relativeError(got[i], ref[i]), 1e-4) << what << " output " << i;
  }
}

inline CompileOptions optionsFor(Mode mode) {
  CompileOptions c = defaultCompileOptions();
  c.mode = mode;
  c.strict = true; // a torch failure must fail the test, not fall back
  return c;
}

} // namespace duet::test
