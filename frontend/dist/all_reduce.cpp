//===- frontend/dist/all_reduce.cpp - gradients averaged over ranks -------===//
#include "frontend/dist/all_reduce.h"

#include "frontend/ops.h"
#include "frontend/record.h"
#include "ir/error.h"

namespace duet::dist {

Tensor allReduce(const std::vector<Tensor> &xs, int group, ReduceOp op, int64_t bucket) {
  if (xs.empty())
    throw Error("all_reduce: needs at least one tensor");
  Attributes a;
  a.set("op", std::string(op == ReduceOp::Sum ? "sum" : "mean"));
  a.set("group", int64_t{group});
  a.set("bucket", bucket);
  return record(OpKind::AllReduce, xs, std::move(a));
}

std::vector<std::vector<size_t>> planBuckets(const std::vector<Tensor> &xs, int64_t bucketBytes) {
  std::vector<std::vector<size_t>> buckets;
  int64_t filled = 0;
  DType dtype = DType::F32;
  for (size_t k = xs.size(); k-- > 0;) {
    const Tensor &x = xs[k];
    if (!isFloating(x.dtype()) || x.numel() == 0)
      continue;
    int64_t bytes = x.type().nbytes();
    bool fits = !buckets.empty() && x.dtype() == dtype && filled + bytes <= bucketBytes;
    if (!fits) {
      buckets.emplace_back();
      filled = 0;
      dtype = x.dtype();
    }
    buckets.back().push_back(k);
    filled += bytes;
  }
  return buckets;
}

std::vector<Tensor> allReduceBucketed(const std::vector<Tensor> &xs, int group,
                                      int64_t bucketBytes, ReduceOp op) {
  std::vector<Tensor> out = xs;
  std::vector<std::vector<size_t>> buckets = planBuckets(xs, bucketBytes);
  for (size_t b = 0; b < buckets.size(); ++b) {
    std::vector<Tensor> members;
    for (size_t k : buckets[b])
      members.push_back(xs[k]);
    Tensor flat = allReduce(members, group, op, static_cast<int64_t>(b));
    int64_t at = 0;
    for (size_t k : buckets[b]) {
      int64_t n = xs[k].numel();
      out[k] = reshape(slice(flat, 0, at, at + n), xs[k].shape());
      at += n;
    }
  }
  return out;
}

} // namespace duet::dist
