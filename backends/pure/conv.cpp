//===- backends/pure/conv.cpp - conv2d via im2col + Eigen GEMM ------------===//
//
// For each image and group, the receptive fields are unrolled into a column
// matrix col[C/g * kH * kW, OH * OW] (zeros where the window hangs over the
// padding) and the output block is one GEMM: w_g[O/g, C/g*kH*kW] * col.
// A 1x1, stride-1, unpadded conv needs no unrolling: the input already is
// the column matrix.
//

#include "backends/pure/common.h"
#include "backends/pure/eigen.h"
#include "backends/pure/kernels.h"
#include "backends/pure/parallel_gemm.h"

#include <algorithm>

namespace duet::pure {

namespace {

template <class T>
using RowMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct ConvGeometry {
  int64_t n, c, h, w;     // input
  int64_t o, cg, kh, kw;  // weight: O, C/groups, kernel
  int64_t oh, ow, groups; // output spatial, groups
  Pair2 stride, pad, dil;
};

/// First and one-past-last output index whose input position
/// `out*stride - pad + k` lies in [0, size).
inline void validRange(int64_t k, int64_t size, int64_t stride, int64_t pad, int64_t outSize,
                       int64_t &lo, int64_t &hi) {
  // out*stride >= pad - k  and  out*stride < size + pad - k
  int64_t a = pad - k;
  lo = a <= 0 ? 0 : (a + stride - 1) / stride;
  int64_t b = size + pad - k; // exclusive bound on out*stride
  hi = b <= 0 ? 0 : (b + stride - 1) / stride;
  lo = std::min(lo, outSize);
  hi = std::clamp(hi, lo, outSize);
}

/// Unrolls channels [c0, c0+cg) of one image into col (row-major).
template <class T> void im2col(const T *img, T *col, const ConvGeometry &g) {
  const int64_t plane = g.h * g.w, outPlane = g.oh * g.ow;
  for (int64_t c = 0; c < g.cg; ++c) {
    const T *xc = img + c * plane;
    for (int64_t i = 0; i < g.kh; ++i) {
      int64_t ohLo, ohHi;
      validRange(i * g.dil.h, g.h, g.stride.h, g.pad.h, g.oh, ohLo, ohHi);
      for (int64_t j = 0; j < g.kw; ++j) {
        T *row = col + ((c * g.kh + i) * g.kw + j) * outPlane;
        int64_t owLo, owHi;
        validRange(j * g.dil.w, g.w, g.stride.w, g.pad.w, g.ow, owLo, owHi);
        std::fill(row, row + ohLo * g.ow, T(0));
        for (int64_t y = ohLo; y < ohHi; ++y) {
          T *dst = row + y * g.ow;
          const T *src = xc + (y * g.stride.h - g.pad.h + i * g.dil.h) * g.w;
          const int64_t x0 = j * g.dil.w - g.pad.w;
          std::fill(dst, dst + owLo, T(0));
          if (g.stride.w == 1) {
            std::copy(src + owLo + x0, src + owHi + x0, dst + owLo);
          } else {
            for (int64_t x = owLo; x < owHi; ++x)
              dst[x] = src[x * g.stride.w + x0];
          }
          std::fill(dst + owHi, dst + g.ow, T(0));
        }
        std::fill(row + ohHi * g.ow, row + outPlane, T(0));
      }
    }
  }
}

template <class T> void conv2d(const ConvGeometry &g, const T *x, const T *w, const T *bias, T *y) {
  const int64_t og = g.o / g.groups, kdim = g.cg * g.kh * g.kw, outPlane = g.oh * g.ow;
  const bool direct = g.kh == 1 && g.kw == 1 && g.stride.h == 1 && g.stride.w == 1 &&
                      g.pad.h == 0 && g.pad.w == 0 && g.oh == g.h && g.ow == g.w;
  // A batch of big images splits over threads by image; one big image
  // splits its GEMMs instead (threadedProduct, serial inside a batch split).
  const int64_t macsPerImage = g.o * outPlane * kdim;
  const int64_t perThread =
      std::max<int64_t>(1, kParallelMacs / std::max<int64_t>(macsPerImage, 1));
  parallelFor(g.n, perThread, [&](int64_t n0, int64_t n1) {
    // The im2col scratch is kept per thread, so repeated runs do not allocate.
    thread_local std::vector<T> col;
    if (!direct && col.size() < size_t(kdim * outPlane))
      col.resize(size_t(kdim * outPlane));
    for (int64_t n = n0; n < n1; ++n) {
      for (int64_t grp = 0; grp < g.groups; ++grp) {
        const T *img = x + (n * g.c + grp * g.cg) * g.h * g.w;
        const T *cols = img;
        if (!direct) {
          im2col(img, col.data(), g);
          cols = col.data();
        }
        Eigen::Map<RowMatrix<T>> out(y + (n * g.o + grp * og) * outPlane, og, outPlane);
        if (kdim == 0)
          out.setZero();
        else
          threadedProduct(out, Eigen::Map<const RowMatrix<T>>(w + grp * og * kdim, og, kdim),
                          Eigen::Map<const RowMatrix<T>>(cols, kdim, outPlane));
        if (bias)
          out.colwise() +=
              Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, 1>>(bias + grp * og, og);
      }
    }
  });
}

} // namespace

void runConv2d(const Node &node, Inputs in, Buffer &out) {
  const Shape &xs = in[0].shape(), &ws = in[1].shape(), &ys = out.shape();
  if (xs.size() != 4 || ws.size() != 4 || ys.size() != 4)
    fail(node, "expects x [N,C,H,W] and w [O,C/groups,kH,kW]");
  ConvGeometry g;
  g.n = xs[0], g.c = xs[1], g.h = xs[2], g.w = xs[3];
  g.o = ws[0], g.cg = ws[1], g.kh = ws[2], g.kw = ws[3];
  g.oh = ys[2], g.ow = ys[3];
  g.groups = node.attrs().getInt("groups", 1);
  g.stride = attrPair(node, "stride", {1, 1});
  g.pad = attrPair(node, "padding", {0, 0});
  g.dil = attrPair(node, "dilation", {1, 1});
  if (g.groups <= 0 || g.c != g.cg * g.groups || g.o % g.groups != 0 || ys[1] != g.o)
    fail(node, "groups=" + std::to_string(g.groups) + " does not fit x " + in[0].type().str() +
                   " and w " + in[1].type().str());
  if (g.stride.h <= 0 || g.stride.w <= 0 || g.dil.h <= 0 || g.dil.w <= 0 || g.pad.h < 0 ||
      g.pad.w < 0)
    fail(node, "stride and dilation must be positive and padding non-negative");
  if (out.numel() == 0)
    return;
  dispatchFloat(node, in[0].dtype(), [&](auto tag) {
    using T = decltype(tag);
    conv2d<T>(g, in[0].data<T>(), in[1].data<T>(), in.size() == 3 ? in[2].data<T>() : nullptr,
              out.data<T>());
  });
}

} // namespace duet::pure
