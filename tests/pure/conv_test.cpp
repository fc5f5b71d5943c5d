//===- tests/pure/conv_test.cpp - conv2d against a naive loop -------------===//

#include "pure_test_util.h"

namespace duet {
namespace {

using namespace duet::test;

struct ConvParams {
  int64_t sh = 1, sw = 1, ph = 0, pw = 0, dh = 1, dw = 1, groups = 1;
};

/// The definition of conv2d, one output element at a time.
std::vector<double> naiveConv(const Buffer &x, const Buffer &w, const Buffer *b,
                              const ConvParams &p, int64_t oh, int64_t ow) {
  const Shape &xs = x.shape(), &ws = w.shape();
  int64_t n = xs[0], c = xs[1], h = xs[2], wd = xs[3];
  int64_t o = ws[0], cg = ws[1], kh = ws[2], kw = ws[3], og = o / p.groups;
  std::vector<double> y;
  for (int64_t in = 0; in < n; ++in)
    for (int64_t oc = 0; oc < o; ++oc)
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
          double s = b ? b->at(oc) : 0.0;
          int64_t g = oc / og;
          for (int64_t ci = 0; ci < cg; ++ci)
            for (int64_t u = 0; u < kh; ++u)
              for (int64_t v = 0; v < kw; ++v) {
                int64_t yy = i * p.sh - p.ph + u * p.dh, xx = j * p.sw - p.pw + v * p.dw;
                if (yy < 0 || yy >= h || xx < 0 || xx >= wd)
                  continue;
                s += x.at(((in * c + g * cg + ci) * h + yy) * wd + xx) *
                     w.at(((oc * cg + ci) * kh + u) * kw + v);
              }
          y.push_back(s);
        }
  return y;
}

TEST(PureConv, HandChecked) {
  Buffer x = f32({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  Buffer w = f32({1, 1, 2, 2}, {1, 1, 1, 1});
  expectValues(runOp(OpKind::Conv2d, {x, w}), DType::F32, {1, 1, 2, 2}, {12, 16, 24, 28}, 0);
  // padding 1 + bias: the corner window sees only x[0,0].
  Buffer y = runOp(OpKind::Conv2d, {x, w, f32({1}, {100})}, attrs({{"padding", Ints{1, 1}}}));
  ASSERT_EQ(y.shape(), (Shape{1, 1, 4, 4}));
  EXPECT_EQ(y.at(0), 101);
  EXPECT_EQ(y.at(5), 112);
  EXPECT_EQ(y.at(15), 109);
}

TEST(PureConv, AgainstNaive) {
  struct Case {
    Shape x, w;
    ConvParams p;
    bool bias;
  } cases[] = {
      {{2, 3, 7, 6}, {4, 3, 3, 3}, {}, true},
      {{1, 2, 8, 9}, {3, 2, 3, 2}, {2, 3, 1, 2, 1, 1, 1}, false}, // stride, asym. padding
      {{1, 2, 9, 9}, {2, 2, 3, 3}, {1, 1, 2, 2, 2, 2, 1}, true},  // dilation
      {{2, 4, 6, 5}, {6, 2, 3, 3}, {1, 2, 1, 0, 1, 1, 2}, true},  // groups
      {{1, 4, 5, 5}, {4, 1, 3, 3}, {1, 1, 1, 1, 1, 1, 4}, false}, // depthwise
      {{2, 5, 4, 3}, {7, 5, 1, 1}, {}, true},                     // 1x1 direct path
      {{1, 3, 4, 4}, {2, 3, 1, 1}, {2, 2, 0, 0, 1, 1, 1}, false}, // strided 1x1
      {{1, 1, 3, 3}, {1, 1, 3, 3}, {3, 3, 2, 2, 1, 1, 1}, false}, // mostly padding
  };
  for (const Case &c : cases) {
    Buffer x = ramp(DType::F64, c.x, 41), w = ramp(DType::F64, c.w, 42);
    Buffer b = ramp(DType::F64, {c.w[0]}, 43);
    std::vector<Buffer> in = {x, w};
    if (c.bias)
      in.push_back(b);
    const ConvParams &p = c.p;
    Buffer y = runOp(OpKind::Conv2d, in,
                     attrs({{"stride", Ints{p.sh, p.sw}},
                            {"padding", Ints{p.ph, p.pw}},
                            {"dilation", Ints{p.dh, p.dw}},
                            {"groups", p.groups}}));
    int64_t oh = (c.x[2] + 2 * p.ph - p.dh * (c.w[2] - 1) - 1) / p.sh + 1;
    int64_t ow = (c.x[3] + 2 * p.pw - p.dw * (c.w[3] - 1) - 1) / p.sw + 1;
    SCOPED_TRACE(shapeToString(c.x) + " * " + shapeToString(c.w));
    expectValues(y, DType::F64, {c.x[0], c.w[0], oh, ow},
                 naiveConv(x, w, c.bias ? &b : nullptr, p, oh, ow), 1e-12);
  }
}

TEST(PureConv, Float32) {
  Buffer x = ramp(DType::F32, {1, 8, 10, 10}, 44), w = ramp(DType::F32, {16, 8, 3, 3}, 45);
  Buffer y = runOp(OpKind::Conv2d, {x, w}, attrs({{"padding", Ints{1, 1}}}));
  expectValues(y, DType::F32, {1, 16, 10, 10}, naiveConv(x, w, nullptr, {1, 1, 1, 1}, 10, 10),
               1e-5);
}

} // namespace
} // namespace duet
