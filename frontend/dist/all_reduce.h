//===- frontend/dist/all_reduce.h - gradients averaged over ranks -*- C++ -*-===//
//
// Records all_reduce nodes into the tensors' graph. Tensors are packed into
// buckets (at most `bucketBytes` each, one dtype each, in reverse order as
// PyTorch DDP does: the last layers' gradients are ready first), each
// bucket is one all_reduce node, and slice + reshape nodes hand every
// tensor back in its own shape:
//
//   %37 = all_reduce(%23, %22, ...) {bucket=0, group=1, op="mean"} : f32[235146]
//   %38 = slice(%37) {axis=0, end=10, start=0} : f32[10]  (then reshape)
//
#pragma once

#include "backends/collectives.h"
#include "frontend/tensor.h"

#include <cstdint>
#include <vector>

namespace duet::dist {

/// One all_reduce over `xs` (float tensors of one dtype and graph): their
/// elements packed back to back, reduced over the ranks of `group`.
Tensor allReduce(const std::vector<Tensor> &xs, int group, ReduceOp op = ReduceOp::Mean,
                 int64_t bucket = 0);

/// Every tensor of `xs` reduced over the ranks of `group`, bucketed; the
/// result has the shapes of `xs`. Non-float tensors are returned as given.
std::vector<Tensor> allReduceBucketed(const std::vector<Tensor> &xs, int group,
                                      int64_t bucketBytes, ReduceOp op = ReduceOp::Mean);

/// The buckets allReduceBucketed makes: indices into `xs`, in call order.
std::vector<std::vector<size_t>> planBuckets(const std::vector<Tensor> &xs, int64_t bucketBytes);

} // namespace duet::dist
