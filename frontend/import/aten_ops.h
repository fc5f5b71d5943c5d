//===- frontend/import/aten_ops.h - aten op -> duet op mappers --*- C++ -*-===//
//
// One mapper per TorchScript op kind ("aten::conv2d"): it reads the node's
// operands through the Converter and returns what the node's (single) output
// becomes. A mapper throws duet::Error for a form it cannot express (e.g.
// gelu approximate='tanh'); the importer reports that with the node.
// Nodes whose operands are all static never reach a mapper: LibTorch
// evaluates them at import time (converter.h).
//
#pragma once

#include "frontend/import/converter.h"

#include <functional>
#include <map>
#include <string>

namespace duet::import {

using OpMapper = std::function<ImportValue(Converter &, const TsNode &)>;
using OpMappers = std::map<std::string, OpMapper>;

/// Every mapper, by op kind. In-place variants ("aten::relu_") map through
/// the functional one (the importer strips the '_').
const OpMappers &opMappers();

// The tables, one file each.
void addElementwiseMappers(OpMappers &m); // aten_ops_elementwise.cpp
void addShapeMappers(OpMappers &m);       // aten_ops_shape.cpp
void addNnMappers(OpMappers &m);          // aten_ops_nn.cpp

/// [a] -> [a, a]; [a, b] stays (torch's int[2] arguments).
std::vector<int64_t> pair2(std::vector<int64_t> v, const char *what);

} // namespace duet::import
