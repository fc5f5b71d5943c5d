//===- frontend/import/problems.h - what an import could not convert -*- C++ -*-===//
//
// Gathered over the whole graph and thrown once, so a user sees every
// unsupported op kind (with each node using it and its source line) and every
// node whose arguments duet cannot express, in one error.
//
#pragma once

#include "frontend/import/converter.h"

#include <map>
#include <string>
#include <vector>

namespace duet::import {

/// "%y = aten::sin(%x)  at model.py:4:12".
std::string where(const TsNode &n);

class Problems {
public:
  void unsupported(const TsNode &n) { byKind_[n.kind().toQualString()].push_back(where(n)); }
  void failed(const TsNode &n, const std::string &why) {
    failed_.push_back(where(n) + "\n      " + why);
  }
  /// Throws duet::Error listing everything, if anything was recorded.
  void throwIfAny(const std::string &file) const;

private:
  std::map<std::string, std::vector<std::string>> byKind_; // sorted: a stable message
  std::vector<std::string> failed_;
};

} // namespace duet::import
