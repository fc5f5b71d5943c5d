//===- backends/pure/grad_kernels.cpp - gelu_grad, pooling grads, scatter_add ===//
//
// The gradient ops of the autodiff pass (docs/ops.md, "Gradient ops") other
// than convolution (grad_conv.cpp). Window arithmetic and the order of
// floating-point operations follow PyTorch's CPU backward kernels, so the
// differential tests agree to rounding.
//

#include "backends/pure/common.h"
#include "backends/pure/kernels.h"
#include "backends/pure/strided.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <variant>

namespace duet::pure {

namespace {

//===- gelu_grad ----------------------------------------------------------===//

void runGeluGrad(const Node &node, Inputs in, Buffer &out) {
  dispatchFloat(node, in[0].dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *g = in[0].data<T>(), *x = in[1].data<T>();
    T *y = out.data<T>();
    // torch's GeluKernel: cdf + x * pdf, pdf = exp(-x^2/2) / sqrt(2 pi).
    const T alpha = T(M_SQRT1_2), beta = T(M_2_SQRTPI * M_SQRT1_2 * 0.5);
    for (int64_t i = 0; i < out.numel(); ++i) {
      T cdf = T(0.5) * (T(1) + std::erf(x[i] * alpha));
      T pdf = beta * std::exp(x[i] * x[i] * T(-0.5));
      y[i] = g[i] * (cdf + x[i] * pdf);
    }
  });
}

//===- pooling ------------------------------------------------------------===//

struct PoolGeometry {
  int64_t h, w, oh, ow;
  Pair2 kernel, stride, pad, dil;
};

/// The window attributes of a pooling grad node; `stride` defaults to the
/// kernel, also when given as an empty list (torch's stride=None).
PoolGeometry poolGeometry(const Node &node, const Shape &grad, const Shape &x) {
  PoolGeometry g{x[2], x[3], grad[2], grad[3], {1, 1}, {1, 1}, {0, 0}, {1, 1}};
  if (node.op() == OpKind::AdaptiveAvgPool2dGrad)
    return g;
  g.kernel = attrPair(node, "kernel", {0, 0});
  g.stride = g.kernel;
  const AttrValue *s = node.attrs().find("stride");
  const auto *list = s ? std::get_if<std::vector<int64_t>>(s) : nullptr;
  if (s && !(list && list->empty()))
    g.stride = attrPair(node, "stride", g.kernel);
  g.pad = attrPair(node, "padding", {0, 0});
  if (node.op() == OpKind::MaxPool2dGrad)
    g.dil = attrPair(node, "dilation", {1, 1});
  if (g.kernel.h <= 0 || g.kernel.w <= 0 || g.stride.h <= 0 || g.stride.w <= 0 || g.dil.h <= 0 ||
      g.dil.w <= 0 || g.pad.h < 0 || g.pad.w < 0)
    fail(node, "kernel, stride and dilation must be positive and padding non-negative");
  return g;
}

/// Routes each gradient element to the input its window's maximum came from
/// (torch's index: first maximum, a NaN wins; the first in-window position
/// when every value is -inf).
template <class T> void maxPlaneGrad(const T *gy, const T *x, T *gx, const PoolGeometry &g) {
  for (int64_t oy = 0; oy < g.oh; ++oy) {
    int64_t y0 = oy * g.stride.h - g.pad.h;
    int64_t y1 = std::min(y0 + (g.kernel.h - 1) * g.dil.h + 1, g.h);
    while (y0 < 0)
      y0 += g.dil.h;
    for (int64_t ox = 0; ox < g.ow; ++ox) {
      int64_t x0 = ox * g.stride.w - g.pad.w;
      int64_t x1 = std::min(x0 + (g.kernel.w - 1) * g.dil.w + 1, g.w);
      while (x0 < 0)
        x0 += g.dil.w;
      if (y0 >= y1 || x0 >= x1)
        continue;
      int64_t best = y0 * g.w + x0;
      T bestValue = -std::numeric_limits<T>::infinity();
      for (int64_t iy = y0; iy < y1; iy += g.dil.h)
        for (int64_t ix = x0; ix < x1; ix += g.dil.w) {
          T v = x[iy * g.w + ix];
          if (v > bestValue || std::isnan(v)) {
            bestValue = v;
            best = iy * g.w + ix;
          }
        }
      gx[best] += gy[oy * g.ow + ox];
    }
  }
}

template <class T> void avgPlaneGrad(const T *gy, T *gx, const PoolGeometry &g, bool includePad) {
  for (int64_t oy = 0; oy < g.oh; ++oy) {
    for (int64_t ox = 0; ox < g.ow; ++ox) {
      int64_t y0 = oy * g.stride.h - g.pad.h, x0 = ox * g.stride.w - g.pad.w;
      int64_t y1 = std::min(y0 + g.kernel.h, g.h + g.pad.h);
      int64_t x1 = std::min(x0 + g.kernel.w, g.w + g.pad.w);
      int64_t poolSize = (y1 - y0) * (x1 - x0);
      y0 = std::max<int64_t>(y0, 0);
      x0 = std::max<int64_t>(x0, 0);
      y1 = std::min(y1, g.h);
      x1 = std::min(x1, g.w);
      if (y0 >= y1 || x0 >= x1)
        continue;
      int64_t divisor = includePad ? poolSize : (y1 - y0) * (x1 - x0);
      T delta = gy[oy * g.ow + ox] / static_cast<T>(divisor);
      for (int64_t iy = y0; iy < y1; ++iy)
        for (int64_t ix = x0; ix < x1; ++ix)
          gx[iy * g.w + ix] += delta;
    }
  }
}

template <class T> void adaptivePlaneGrad(const T *gy, T *gx, const PoolGeometry &g) {
  for (int64_t oy = 0; oy < g.oh; ++oy) {
    int64_t y0 = oy * g.h / g.oh, y1 = ((oy + 1) * g.h + g.oh - 1) / g.oh;
    for (int64_t ox = 0; ox < g.ow; ++ox) {
      int64_t x0 = ox * g.w / g.ow, x1 = ((ox + 1) * g.w + g.ow - 1) / g.ow;
      // Two divisions, as torch's backward kernel.
      T delta = gy[oy * g.ow + ox] / static_cast<T>(y1 - y0) / static_cast<T>(x1 - x0);
      for (int64_t iy = y0; iy < y1; ++iy)
        for (int64_t ix = x0; ix < x1; ++ix)
          gx[iy * g.w + ix] += delta;
    }
  }
}

void runPoolGrad(const Node &node, Inputs in, Buffer &out) {
  const Shape &gs = in[0].shape(), &xs = out.shape();
  if (gs.size() != 4 || xs.size() != 4 || gs[0] != xs[0] || gs[1] != xs[1])
    fail(node, "expects a gradient [N,C,OH,OW] and a result [N,C,H,W], got " + in[0].type().str() +
                   " -> " + out.type().str());
  PoolGeometry g = poolGeometry(node, gs, xs);
  if (node.op() == OpKind::AdaptiveAvgPool2dGrad && in[0].numel() > 0 && (g.oh == 0 || g.ow == 0))
    fail(node, "empty output size");
  const bool includePad = node.attrs().getBool("count_include_pad", true);
  const int64_t planes = xs[0] * xs[1];
  dispatchFloat(node, in[0].dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *gy = in[0].data<T>();
    T *gx = out.data<T>();
    std::fill(gx, gx + out.numel(), T(0));
    for (int64_t p = 0; p < planes; ++p) {
      const T *gp = gy + p * g.oh * g.ow;
      T *xp = gx + p * g.h * g.w;
      if (node.op() == OpKind::MaxPool2dGrad)
        maxPlaneGrad(gp, in[1].data<T>() + p * g.h * g.w, xp, g);
      else if (node.op() == OpKind::AvgPool2dGrad)
        avgPlaneGrad(gp, xp, g, includePad);
      else
        adaptivePlaneGrad(gp, xp, g);
    }
  });
}

//===- scatter_add --------------------------------------------------------===//

void runScatterAdd(const Node &node, Inputs in, Buffer &out) {
  const Buffer &base = in[0], &idx = in[1], &src = in[2];
  const Shape &bs = base.shape(), &is = idx.shape();
  const int64_t rank = static_cast<int64_t>(bs.size());
  if (idx.dtype() != DType::I64)
    unsupportedDType(node, idx.dtype());
  if (is.size() != bs.size() || src.shape().size() != bs.size())
    fail(node, "base, index and source must have the same rank");
  int64_t axis = rank == 0 ? 0 : node.attrs().getInt("axis", 0);
  if (axis < -std::max<int64_t>(rank, 1) || axis >= std::max<int64_t>(rank, 1))
    fail(node, "axis " + std::to_string(axis) + " out of range for rank " + std::to_string(rank));
  axis = axis < 0 ? axis + rank : axis;
  for (int64_t d = 0; d < rank; ++d)
    if (is[size_t(d)] > src.shape()[size_t(d)] || (d != axis && is[size_t(d)] > bs[size_t(d)]))
      fail(node, "index " + idx.type().str() + " does not fit base " + base.type().str() +
                     " and source " + src.type().str());
  // out[p with coordinate `axis` replaced by index[p]] += src[p].
  std::vector<int64_t> outStrides = contiguousStrides(bs);
  const int64_t axisStride = rank == 0 ? 0 : outStrides[size_t(axis)];
  const int64_t axisSize = rank == 0 ? 1 : bs[size_t(axis)];
  if (rank > 0)
    outStrides[size_t(axis)] = 0;
  StridedLoop<3> loop =
      makeLoop<3>(is, {contiguousStrides(is), contiguousStrides(src.shape()), outStrides});
  const int64_t n = loop.inner(), ss = loop.innerStride(1), so = loop.innerStride(2);
  const int64_t *ids = idx.data<int64_t>();
  dispatchNumeric(node, base.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *ps = src.data<T>();
    T *po = out.data<T>();
    std::copy(base.data<T>(), base.data<T>() + base.numel(), po);
    forEachRow(loop, [&](const std::array<int64_t, 3> &off) {
      for (int64_t i = 0; i < n; ++i) {
        const int64_t p = off[0] + i, id = ids[p];
        if (id < 0 || id >= axisSize)
          fail(node, "index " + std::to_string(id) + " out of range [0, " +
                         std::to_string(axisSize) + ") at position " + std::to_string(p) +
                         " of index " + idx.type().str());
        po[off[2] + i * so + id * axisStride] += ps[off[1] + i * ss];
      }
    });
  });
}

} // namespace

bool runGradKernel(const Node &node, Inputs in, Buffer &out) {
  switch (node.op()) {
  case OpKind::GeluGrad: runGeluGrad(node, in, out); return true;
  case OpKind::Conv2dGradInput: runConv2dGradInput(node, in, out); return true;
  case OpKind::Conv2dGradWeight: runConv2dGradWeight(node, in, out); return true;
  case OpKind::MaxPool2dGrad:
  case OpKind::AvgPool2dGrad:
  case OpKind::AdaptiveAvgPool2dGrad: runPoolGrad(node, in, out); return true;
  case OpKind::ScatterAdd: runScatterAdd(node, in, out); return true;
  default: return false;
  }
}

} // namespace duet::pure
