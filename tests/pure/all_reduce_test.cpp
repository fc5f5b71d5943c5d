//===- tests/pure/all_reduce_test.cpp - the all_reduce kernel -------------===//
//
// With a stand-in communicator (a world of two whose other rank holds known
// values), the kernel must pack its operands in order into one buffer and
// reduce that buffer once. The real Gloo path: tests/distributed/.
//
#include "backends/collectives.h"
#include "pure_test_util.h"

using namespace duet;
using namespace duet::test;

namespace {

/// Rank 0 of two; the other rank contributes `peer`.
class TwoRankStandIn : public Communicator {
public:
  explicit TwoRankStandIn(std::vector<double> peer) : peer_(std::move(peer)) {}
  int rank() const override { return 0; }
  int worldSize() const override { return 2; }
  void allReduce(Buffer &data, ReduceOp op) override {
    ++calls;
    if (static_cast<size_t>(data.numel()) != peer_.size())
      throw Error("stand-in: size mismatch with the peer");
    float *p = data.data<float>();
    for (int64_t i = 0; i < data.numel(); ++i) {
      double v = p[i] + peer_[static_cast<size_t>(i)];
      p[i] = static_cast<float>(op == ReduceOp::Mean ? v / 2 : v);
    }
  }
  void broadcast(Buffer &, int) override {}
  void barrier() override {}
  int calls = 0;

private:
  std::vector<double> peer_;
};

} // namespace

TEST(PureAllReduce, PacksOperandsInOrderAndReducesOnce) {
  std::vector<double> peer{10, 20, 30, 40, 50, 60, 70};
  auto comm = std::make_shared<TwoRankStandIn>(peer);
  int group = registerCommunicator(comm);
  for (std::string op : {"mean", "sum"}) {
    Graph g;
    Node *a = g.addInput("a", {DType::F32, {2, 2}});
    Node *b = g.addInput("b", {DType::F32, {3}});
    Node *n = g.addChecked(OpKind::AllReduce, {a, b},
                           attrs({{"op", op}, {"group", int64_t{group}}}));
    ASSERT_EQ(n->type().str(), "f32[7]");
    std::vector<Buffer> in{f32({2, 2}, {1, 2, 3, 4}), f32({3}, {5, 6, 7})};
    Buffer out = evalPureNode(*n, in);
    for (int64_t i = 0; i < 7; ++i) {
      double sum = double(i + 1) + peer[size_t(i)];
      EXPECT_FLOAT_EQ(out.at(i), op == "mean" ? sum / 2 : sum) << op << " " << i;
    }
    EXPECT_EQ(in[0].at(3), 4.0) << "the operands are not modified";
  }
  EXPECT_EQ(comm->calls, 2);
  EXPECT_EQ(comm->stats().calls, 2);
  EXPECT_EQ(comm->stats().bytes, 2 * 7 * 4);
  unregisterCommunicator(group);
}

TEST(PureAllReduce, NamesAMissingGroupAndBadOperands) {
  Graph g;
  Node *a = g.addInput("a", {DType::F32, {2}});
  Node *n = g.addChecked(OpKind::AllReduce, {a}, attrs({{"group", int64_t{987654}}}));
  try {
    evalPureNode(*n, std::vector<Buffer>{f32({2}, {1, 2})});
    FAIL() << "no error";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("no process group 987654 in this process"),
              std::string::npos)
        << e.what();
  }
  Node *i = g.addInput("i", {DType::I64, {2}});
  EXPECT_THROW(g.addChecked(OpKind::AllReduce, {i}), Error);
  Node *d = g.addInput("d", {DType::F64, {2}});
  try {
    g.addChecked(OpKind::AllReduce, {a, d});
    FAIL() << "no error";
  } catch (const Error &e) {
    EXPECT_EQ(std::string(e.what()), "all_reduce: dtype mismatch f32 vs f64");
  }
  try {
    g.addChecked(OpKind::AllReduce, {a}, attrs({{"op", std::string("max")}}));
    FAIL() << "no error";
  } catch (const Error &e) {
    EXPECT_EQ(std::string(e.what()), "all_reduce: op must be \"mean\" or \"sum\", got \"max\"");
  }
}
