//===- frontend/record.h - appending an op to a tensor's graph --*- C++ -*-===//
//
// The one place ops are recorded. Used by frontend/ops*.cpp, and by modules
// that need an op without a dedicated function.
//
#pragma once

#include "frontend/tensor.h"
#include "ir/attributes.h"
#include "ir/op_registry.h"

#include <vector>

namespace duet {

/// Records `op` over `operands` in their context and returns the result.
/// Operands of one GraphBuilder must not be mixed with other tensors; loose
/// tensors of different threads' or scopes' contexts are imported into the
/// current default context by value. Shape errors are the registry's
/// duet::Error, naming the op and the operand types.
Tensor record(OpKind op, const std::vector<Tensor> &operands, Attributes attrs = {});

/// A rank-0 constant of `like`'s dtype, recorded in `like`'s context.
Tensor constantLike(const Tensor &like, double value);

} // namespace duet
