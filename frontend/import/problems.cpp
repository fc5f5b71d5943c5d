//===- frontend/import/problems.cpp - what an import could not convert ----===//
#include "frontend/import/problems.h"

#include "ir/error.h"

#include <fmt/format.h>

namespace duet::import {

std::string where(const TsNode &n) {
  std::string text;
  for (const TsValue *o : n.outputs())
    text += (text.empty() ? "%" : ", %") + o->debugName();
  text += (text.empty() ? "" : " = ") + std::string(n.kind().toQualString()) + "(";
  for (size_t i = 0; i < n.inputs().size(); ++i)
    text += (i ? ", %" : "%") + n.input(i)->debugName();
  text += ")";
  torch::jit::SourceRange range = n.sourceRange();
  if (auto generatedBy = range.findSourceRangeThatGenerated()) // the model's own source
    range = *generatedBy;
  if (auto loc = range.file_line_col())
    text += fmt::format("  at {}:{}:{}", std::get<0>(*loc), std::get<1>(*loc), std::get<2>(*loc));
  return text;
}

void Problems::throwIfAny(const std::string &file) const {
  if (byKind_.empty() && failed_.empty())
    return;
  std::string msg = fmt::format("cannot import {}:", file);
  if (!byKind_.empty())
    msg += fmt::format("\n  {} unsupported op kind(s) (docs/import.md lists the supported ones):",
                       byKind_.size());
  for (const auto &[kind, uses] : byKind_) {
    msg += fmt::format("\n    {} ({} node{}):", kind, uses.size(), uses.size() == 1 ? "" : "s");
    for (const std::string &u : uses)
      msg += "\n      " + u;
  }
  if (!failed_.empty())
    msg += fmt::format("\n  {} node(s) that cannot be converted:", failed_.size());
  for (const std::string &f : failed_)
    msg += "\n    " + f;
  throw Error(msg);
}

} // namespace duet::import
