//===- tests/pure/buffer_test.cpp - Buffer allocation and views -----------===//

#include "backends/buffer.h"
#include "ir/error.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace duet {
namespace {

TEST(Buffer, AllocateIsAlignedAndZeroed) {
  Buffer b = Buffer::allocate(DType::F32, {3, 5});
  ASSERT_TRUE(b.defined());
  EXPECT_EQ(b.numel(), 15);
  EXPECT_EQ(b.nbytes(), 60u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b.raw()) % 64, 0u);
  for (double v : b.toDoubles())
    EXPECT_EQ(v, 0.0);
}

TEST(Buffer, EmptyAndScalarBuffers) {
  Buffer e = Buffer::allocate(DType::I64, {0, 4});
  EXPECT_TRUE(e.defined());
  EXPECT_EQ(e.numel(), 0);
  EXPECT_TRUE(e.toDoubles().empty());
  Buffer s = Buffer::allocate(DType::F64, {});
  EXPECT_EQ(s.numel(), 1);
  EXPECT_FALSE(Buffer().defined());
}

TEST(Buffer, OverflowingSizeThrows) {
  EXPECT_THROW(Buffer::allocate(DType::F64, {int64_t(1) << 40, int64_t(1) << 40}), Error);
  EXPECT_THROW(Buffer::allocate(DType::F32, {-1}), Error);
}

TEST(Buffer, FullConvertsTheValue) {
  Buffer f = Buffer::full({DType::F32, {2}}, 2.5);
  EXPECT_EQ(f.toDoubles(), (std::vector<double>{2.5, 2.5}));
  Buffer i = Buffer::full({DType::I64, {3}}, -2.7); // truncates toward zero
  EXPECT_EQ(i.toDoubles(), (std::vector<double>{-2, -2, -2}));
  Buffer b = Buffer::full({DType::Bool, {1}}, 0.5);
  EXPECT_TRUE(b.data<bool>()[0]);
}

TEST(Buffer, CopiesShareCloneDoesNot) {
  Buffer a = Buffer::fromVector<float>({2}, {1, 2});
  Buffer shared = a;
  Buffer deep = a.clone();
  a.data<float>()[0] = 7;
  EXPECT_EQ(shared.at(0), 7);
  EXPECT_EQ(deep.at(0), 1);
  EXPECT_EQ(deep.at(1), 2);
  EXPECT_NE(deep.raw(), a.raw());
}

TEST(Buffer, WrapKeepsOwnerAlive) {
  auto storage = std::make_shared<std::vector<double>>(std::vector<double>{1, 2, 3, 4});
  std::weak_ptr<std::vector<double>> watch = storage;
  Buffer w = Buffer::wrap({DType::F64, {2, 2}}, storage->data(), storage);
  storage.reset();
  EXPECT_FALSE(watch.expired());
  EXPECT_EQ(w.at(3), 4);
  w = Buffer();
  EXPECT_TRUE(watch.expired());
}

TEST(Buffer, ReshapedViewsSameData) {
  Buffer a = Buffer::fromVector<int64_t>({2, 3}, {1, 2, 3, 4, 5, 6});
  Buffer r = a.reshaped({3, 2});
  EXPECT_EQ(r.raw(), a.raw());
  EXPECT_EQ(r.shape(), (Shape{3, 2}));
  EXPECT_EQ(r.at(5), 6);
  EXPECT_THROW(a.reshaped({4}), Error);
}

TEST(Buffer, AtChecksRange) {
  Buffer a = Buffer::fromVector<float>({2}, {1, 2});
  EXPECT_THROW(a.at(2), Error);
  EXPECT_THROW(a.at(-1), Error);
}

} // namespace
} // namespace duet
