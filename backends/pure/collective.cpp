//===- backends/pure/collective.cpp - all_reduce on CPU buffers -----------===//
//
// all_reduce packs its operands back to back into the output (the bucket),
// then hands that one buffer to the group's Communicator, which reduces it
// in place over every rank. The result stays a plain CPU buffer whatever
// backend produced the gradients, so the op works in every mode.
//
#include "backends/collectives.h"
#include "backends/pure/common.h"
#include "backends/pure/kernels.h"

#include <chrono>
#include <cstring>

namespace duet::pure {

void runAllReduce(const Node &node, Inputs in, Buffer &out) {
  std::shared_ptr<Communicator> comm;
  try {
    comm = communicatorOf(static_cast<int>(node.attrs().getInt("group", 0)));
  } catch (const Error &e) {
    fail(node, e.what());
  }
  auto *dst = static_cast<char *>(out.raw());
  for (const Buffer &b : in) {
    std::memcpy(dst, b.raw(), b.nbytes());
    dst += b.nbytes();
  }
  ReduceOp op = node.attrs().getString("op", "mean") == "sum" ? ReduceOp::Sum : ReduceOp::Mean;
  auto t0 = std::chrono::steady_clock::now();
  try {
    comm->allReduce(out, op);
  } catch (const Error &e) {
    fail(node, e.what());
  }
  CollectiveStats &s = comm->stats();
  s.calls += 1;
  s.bytes += static_cast<int64_t>(out.nbytes());
  s.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace duet::pure
