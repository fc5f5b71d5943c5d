//===- backends/pure/grad_conv.cpp - conv2d_grad_input / _weight ----------===//
//
// Both are one GEMM per image and group over the column matrix of conv.cpp,
// col[C/g * kH * kW, OH * OW]:
//   grad_weight_g[O/g, C/g*kH*kW] += grad_g[O/g, OH*OW] * col^T
//   col = w_g^T * grad_g, then folded back onto the image (col2im, adding
//   where windows overlap) for grad_input.
//

#include "backends/pure/common.h"
#include "backends/pure/eigen.h"
#include "backends/pure/kernels.h"

#include <algorithm>

namespace duet::pure {

namespace {

template <class T>
using RowMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct Geometry {
  int64_t n, c, h, w;     // forward input
  int64_t o, cg, kh, kw;  // weight: O, C/groups, kernel
  int64_t oh, ow, groups; // forward output spatial, groups
  Pair2 stride, pad, dil;
  int64_t kdim() const { return cg * kh * kw; }
  int64_t outPlane() const { return oh * ow; }
};

/// Calls f(colIndex, imageIndex) for every tap of channels [0, cg) of one
/// image that lands inside the image (padding taps are skipped).
template <class F> void forEachTap(const Geometry &g, F &&f) {
  for (int64_t c = 0; c < g.cg; ++c)
    for (int64_t i = 0; i < g.kh; ++i)
      for (int64_t j = 0; j < g.kw; ++j) {
        const int64_t row = ((c * g.kh + i) * g.kw + j) * g.outPlane();
        for (int64_t y = 0; y < g.oh; ++y) {
          const int64_t iy = y * g.stride.h - g.pad.h + i * g.dil.h;
          if (iy < 0 || iy >= g.h)
            continue;
          for (int64_t x = 0; x < g.ow; ++x) {
            const int64_t ix = x * g.stride.w - g.pad.w + j * g.dil.w;
            if (ix >= 0 && ix < g.w)
              f(row + y * g.ow + x, (c * g.h + iy) * g.w + ix);
          }
        }
      }
}

template <class T> void gradWeight(const Geometry &g, const T *gy, const T *x, T *gw) {
  const int64_t og = g.o / g.groups, kdim = g.kdim(), outPlane = g.outPlane();
  std::vector<T> col(size_t(kdim * outPlane));
  std::fill(gw, gw + g.o * kdim, T(0));
  for (int64_t n = 0; n < g.n; ++n)
    for (int64_t grp = 0; grp < g.groups; ++grp) {
      const T *img = x + (n * g.c + grp * g.cg) * g.h * g.w;
      std::fill(col.begin(), col.end(), T(0));
      forEachTap(g, [&](int64_t k, int64_t p) { col[size_t(k)] = img[p]; });
      Eigen::Map<RowMatrix<T>> dw(gw + grp * og * kdim, og, kdim);
      dw.noalias() +=
          Eigen::Map<const RowMatrix<T>>(gy + (n * g.o + grp * og) * outPlane, og, outPlane) *
          Eigen::Map<const RowMatrix<T>>(col.data(), kdim, outPlane).transpose();
    }
}

template <class T> void gradInput(const Geometry &g, const T *gy, const T *w, T *gx) {
  const int64_t og = g.o / g.groups, kdim = g.kdim(), outPlane = g.outPlane();
  std::vector<T> col(size_t(kdim * outPlane));
  std::fill(gx, gx + g.n * g.c * g.h * g.w, T(0));
  for (int64_t n = 0; n < g.n; ++n)
    for (int64_t grp = 0; grp < g.groups; ++grp) {
      Eigen::Map<RowMatrix<T>> cols(col.data(), kdim, outPlane);
      cols.noalias() =
          Eigen::Map<const RowMatrix<T>>(w + grp * og * kdim, og, kdim).transpose() *
          Eigen::Map<const RowMatrix<T>>(gy + (n * g.o + grp * og) * outPlane, og, outPlane);
      T *img = gx + (n * g.c + grp * g.cg) * g.h * g.w;
      forEachTap(g, [&](int64_t k, int64_t p) { img[p] += col[size_t(k)]; });
    }
}

/// The geometry from the gradient [N,O,OH,OW], the forward input shape and
/// the weight shape; checks what the kernels rely on.
Geometry geometry(const Node &node, const Shape &gy, const Shape &x, const Shape &w) {
  if (gy.size() != 4 || x.size() != 4 || w.size() != 4)
    fail(node, "expects 4-d gradient, input and weight shapes");
  Geometry g;
  g.n = x[0], g.c = x[1], g.h = x[2], g.w = x[3];
  g.o = w[0], g.cg = w[1], g.kh = w[2], g.kw = w[3];
  g.oh = gy[2], g.ow = gy[3];
  g.groups = node.attrs().getInt("groups", 1);
  g.stride = attrPair(node, "stride", {1, 1});
  g.pad = attrPair(node, "padding", {0, 0});
  g.dil = attrPair(node, "dilation", {1, 1});
  if (g.groups <= 0 || g.c != g.cg * g.groups || g.o % g.groups != 0 || gy[1] != g.o ||
      gy[0] != g.n)
    fail(node, "groups=" + std::to_string(g.groups) + " does not fit gradient " +
                   shapeToString(gy) + ", input " + shapeToString(x) + " and weight " +
                   shapeToString(w));
  if (g.stride.h <= 0 || g.stride.w <= 0 || g.dil.h <= 0 || g.dil.w <= 0 || g.pad.h < 0 ||
      g.pad.w < 0)
    fail(node, "stride and dilation must be positive and padding non-negative");
  return g;
}

} // namespace

void runConv2dGradInput(const Node &node, Inputs in, Buffer &out) {
  Geometry g = geometry(node, in[0].shape(), out.shape(), in[1].shape());
  dispatchFloat(node, in[0].dtype(), [&](auto tag) {
    using T = decltype(tag);
    gradInput<T>(g, in[0].data<T>(), in[1].data<T>(), out.data<T>());
  });
}

void runConv2dGradWeight(const Node &node, Inputs in, Buffer &out) {
  Geometry g = geometry(node, in[0].shape(), in[1].shape(), out.shape());
  dispatchFloat(node, in[0].dtype(), [&](auto tag) {
    using T = decltype(tag);
    gradWeight<T>(g, in[0].data<T>(), in[1].data<T>(), out.data<T>());
  });
}

} // namespace duet::pure
