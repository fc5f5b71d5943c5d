//===- tests/nn/data_parallel_parts_test.cpp - sharding, buckets, the op ---===//
//
// The pieces of data-parallel training that need no peer: each rank's slice
// of the global batch, the bucket plan, and the all_reduce nodes the
// Trainer records (a stand-in communicator: the graph is built, not run).
// Whole jobs with real ranks: tests/distributed/.
//
#include "backends/collectives.h"
#include "frontend/data/dataset.h"
#include "frontend/dist/all_reduce.h"
#include "frontend/dist/process_group.h"
#include "frontend/nn/layers.h"
#include "frontend/nn/trainer.h"
#include "frontend/program.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

using namespace duet;

namespace {

/// Rows of `d` as their x values (x = [N,1] holding the row index).
data::Dataset indexed(int64_t n) {
  Buffer x = Buffer::allocate(DType::F32, Shape{n, 1});
  Buffer y = Buffer::allocate(DType::I64, Shape{n});
  for (int64_t i = 0; i < n; ++i)
    x.data<float>()[i] = static_cast<float>(i);
  return data::Dataset(x, y);
}

std::vector<int64_t> rowsOf(const data::Batch &b) {
  std::vector<int64_t> r;
  for (int64_t i = 0; i < b.size(); ++i)
    r.push_back(static_cast<int64_t>(b.x.at(i)));
  return r;
}

/// Each rank's batches, in order, for one epoch.
std::vector<std::vector<std::vector<int64_t>>> epochOfRanks(const data::Dataset &d, int64_t batch,
                                                             int world, bool dropLast) {
  std::vector<std::vector<std::vector<int64_t>>> out(static_cast<size_t>(world));
  for (int r = 0; r < world; ++r) {
    data::DataLoaderOptions o{batch, true, 42, dropLast};
    o.rank = r;
    o.worldSize = world;
    data::DataLoader dl(d, o);
    data::Batch b;
    while (dl.next(b))
      out[static_cast<size_t>(r)].push_back(rowsOf(b));
    EXPECT_EQ(static_cast<int64_t>(out[static_cast<size_t>(r)].size()), dl.numBatches());
  }
  return out;
}

class StandIn : public Communicator {
public:
  explicit StandIn(int world) : world_(world) {}
  int rank() const override { return 0; }
  int worldSize() const override { return world_; }
  void allReduce(Buffer &, ReduceOp) override {}
  void broadcast(Buffer &, int) override {}
  void barrier() override {}

private:
  int world_;
};

} // namespace

TEST(DataParallelParts, RanksSplitEachGlobalBatchDisjointly) {
  data::Dataset d = indexed(100);
  data::DataLoader whole(d, {32, true, 42, false}); // 2 ranks x 16 == 1 process x 32
  auto ranks = epochOfRanks(d, 16, 2, false);
  data::Batch b;
  size_t k = 0;
  while (whole.next(b)) {
    ASSERT_LT(k, ranks[0].size());
    std::vector<int64_t> joined = ranks[0][k];
    joined.insert(joined.end(), ranks[1][k].begin(), ranks[1][k].end());
    EXPECT_EQ(joined, rowsOf(b)) << "global batch " << k;
    ++k;
  }
  EXPECT_EQ(k, ranks[1].size());
  // 100 = 3 x 32 + 4: the short last batch is split 2 + 2.
  EXPECT_EQ(ranks[0].back().size(), 2u);
  EXPECT_EQ(ranks[1].back().size(), 2u);
}

TEST(DataParallelParts, ShortLastBatchIsSplitNearEquallyOrDropped) {
  data::Dataset d = indexed(3 * 8 + 5); // three full global batches of 3 x 2, then 5 left
  auto ranks = epochOfRanks(d, 8, 3, false);
  std::set<int64_t> seen;
  for (const auto &r : ranks) {
    ASSERT_EQ(r.size(), 2u); // ceil(29 / 24)
    for (const auto &batch : r)
      for (int64_t row : batch)
        EXPECT_TRUE(seen.insert(row).second) << "row " << row << " on two ranks";
  }
  EXPECT_EQ(seen.size(), 29u);
  EXPECT_EQ(ranks[0][1].size(), 2u);
  EXPECT_EQ(ranks[1][1].size(), 2u);
  EXPECT_EQ(ranks[2][1].size(), 1u);
  // Fewer samples than ranks: every rank drops the batch alike.
  auto four = epochOfRanks(indexed(4 * 5 + 3), 5, 4, false);
  for (const auto &r : four)
    EXPECT_EQ(r.size(), 1u);
  auto dropped = epochOfRanks(d, 8, 3, true);
  for (const auto &r : dropped)
    EXPECT_EQ(r.size(), 1u);
  EXPECT_THROW(data::DataLoader(d, [] {
                 data::DataLoaderOptions o;
                 o.rank = 2;
                 o.worldSize = 2;
                 return o;
               }()),
               Error);
}

TEST(DataParallelParts, BucketsRespectTheCapInReverseOrder) {
  GraphBuilder b("buckets");
  std::vector<Tensor> xs{b.input("a", DType::F32, {100}), b.input("b", DType::F32, {300}),
                         b.input("c", DType::F32, {50}), b.input("d", DType::F64, {10}),
                         b.input("e", DType::I64, {10}), b.input("f", DType::F32, {20})};
  // Last first; a new bucket at each dtype change; c 200 + b 1200 bytes fit
  // in 1600, a 400 more would not. Integer tensors are not reduced.
  auto plan = dist::planBuckets(xs, 1600);
  std::vector<std::vector<size_t>> want{{5}, {3}, {2, 1}, {0}};
  EXPECT_EQ(plan, want);
  auto one = dist::planBuckets(xs, int64_t{25} << 20);
  std::vector<std::vector<size_t>> wantOne{{5}, {3}, {2, 1, 0}};
  EXPECT_EQ(one, wantOne);
}

TEST(DataParallelParts, TrainerRecordsBucketedAllReducesBeforeTheUpdate) {
  dist::ProcessGroup group(std::make_shared<StandIn>(2), 3600); // 900 floats per bucket
  nn::TrainerOptions opts;
  opts.compile.mode = Mode::Pure;
  opts.distributed = &group;
  auto model = std::make_shared<nn::Sequential>(std::vector<std::shared_ptr<nn::Module>>{
      std::make_shared<nn::Linear>(20, 40), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Linear>(40, 3)});
  nn::Trainer t(model, nn::crossEntropyLoss, std::make_shared<optim::SGD>(0.1), opts);
  const Program &step = t.stepProgram({DType::F32, {8, 20}}, {DType::I64, {8}});
  std::vector<const Node *> reduces;
  int64_t reduced = 0;
  for (const Node *n : step.plan().graph().nodes())
    if (n->op() == OpKind::AllReduce) {
      reduces.push_back(n);
      reduced += n->type().numel();
      EXPECT_EQ(n->attrs().getInt("group"), group.id());
      EXPECT_EQ(n->attrs().getString("op"), "mean");
      EXPECT_EQ(n->backend(), Backend::Pure);
      EXPECT_LE(n->type().nbytes(), 3600) << "a bucket over the cap";
    }
  // Every gradient once: 3 + 120 + 40 = 163 floats (last layers first), then
  // fc1's weight (800) in a bucket of its own: 163 + 800 > 900.
  EXPECT_EQ(reduced, 963);
  EXPECT_EQ(reduces.size(), 2u);
  EXPECT_NE(step.graph().str().find("all_reduce"), std::string::npos);

  nn::TrainerOptions alone;
  alone.compile.mode = Mode::Pure;
  nn::Trainer single(model, nn::crossEntropyLoss, std::make_shared<optim::SGD>(0.1), alone);
  const Program &plain = single.stepProgram({DType::F32, {8, 20}}, {DType::I64, {8}});
  EXPECT_EQ(plain.graph().str().find("all_reduce"), std::string::npos);
}
