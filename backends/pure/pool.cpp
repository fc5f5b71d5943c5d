//===- backends/pure/pool.cpp - max, avg and adaptive avg pooling ---------===//
//
// Window arithmetic copied from PyTorch's CPU kernels so that padding,
// ceil_mode, dilation and count_include_pad agree exactly. The output size
// comes from the node's type (the registry computed it with torch's rule).
//

#include "backends/pure/common.h"
#include "backends/pure/kernels.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <variant>

namespace duet::pure {

namespace {

struct PoolGeometry {
  int64_t h, w, oh, ow;
  Pair2 kernel, stride, pad, dil;
};

/// `stride` defaults to the kernel (also when given as an empty list, the
/// way torch spells stride=None).
Pair2 strideAttr(const Node &node, Pair2 kernel) {
  const AttrValue *v = node.attrs().find("stride");
  if (!v)
    return kernel;
  if (const auto *l = std::get_if<std::vector<int64_t>>(v); l && l->empty())
    return kernel;
  return attrPair(node, "stride", kernel);
}

/// NaN wins, as in torch. A select, not a branch: the comparison outcome
/// is data-dependent and mispredicts on real activations.
template <class T> T maxWithNaN(T best, T v) { return (v > best || v != v) ? v : best; }

/// Every window inside the plane, undilated (the usual pool): a row of
/// outputs is updated once per window offset, an inner loop over outputs
/// that vectorizes. Same comparisons in the same order as maxPlane.
template <class T> void maxPlaneInterior(const T *x, T *y, const PoolGeometry &g) {
  for (int64_t oy = 0; oy < g.oh; ++oy) {
    T *yr = y + oy * g.ow;
    std::fill_n(yr, g.ow, -std::numeric_limits<T>::infinity());
    for (int64_t ky = 0; ky < g.kernel.h; ++ky) {
      const T *xr = x + (oy * g.stride.h + ky) * g.w;
      for (int64_t kx = 0; kx < g.kernel.w; ++kx)
        for (int64_t ox = 0; ox < g.ow; ++ox)
          yr[ox] = maxWithNaN(yr[ox], xr[ox * g.stride.w + kx]);
    }
  }
}

template <class T> void maxPlane(const T *x, T *y, const PoolGeometry &g) {
  if (g.pad.h == 0 && g.pad.w == 0 && g.dil.h == 1 && g.dil.w == 1 &&
      (g.oh - 1) * g.stride.h + g.kernel.h <= g.h && (g.ow - 1) * g.stride.w + g.kernel.w <= g.w)
    return maxPlaneInterior(x, y, g);
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
      T best = -std::numeric_limits<T>::infinity();
      for (int64_t iy = y0; iy < y1; iy += g.dil.h)
        for (int64_t ix = x0; ix < x1; ix += g.dil.w)
          best = maxWithNaN(best, x[iy * g.w + ix]);
      y[oy * g.ow + ox] = best;
    }
  }
}

template <class T> void avgPlane(const T *x, T *y, const PoolGeometry &g, bool includePad) {
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
      T &out = y[oy * g.ow + ox];
      if (y0 >= y1 || x0 >= x1) {
        out = T(0);
        continue;
      }
      T sum = 0;
      for (int64_t iy = y0; iy < y1; ++iy)
        for (int64_t ix = x0; ix < x1; ++ix)
          sum += x[iy * g.w + ix];
      int64_t divisor = includePad ? poolSize : (y1 - y0) * (x1 - x0);
      out = sum / static_cast<T>(divisor);
    }
  }
}

template <class T> void adaptivePlane(const T *x, T *y, const PoolGeometry &g) {
  for (int64_t oy = 0; oy < g.oh; ++oy) {
    int64_t y0 = oy * g.h / g.oh, y1 = ((oy + 1) * g.h + g.oh - 1) / g.oh;
    for (int64_t ox = 0; ox < g.ow; ++ox) {
      int64_t x0 = ox * g.w / g.ow, x1 = ((ox + 1) * g.w + g.ow - 1) / g.ow;
      T sum = 0;
      for (int64_t iy = y0; iy < y1; ++iy)
        for (int64_t ix = x0; ix < x1; ++ix)
          sum += x[iy * g.w + ix];
      y[oy * g.ow + ox] = sum / static_cast<T>((y1 - y0) * (x1 - x0));
    }
  }
}

} // namespace

void runPool(const Node &node, Inputs in, Buffer &out) {
  const Shape &xs = in[0].shape(), &ys = out.shape();
  if (xs.size() != 4 || ys.size() != 4 || xs[0] != ys[0] || xs[1] != ys[1])
    fail(node, "expects x [N,C,H,W] and a result [N,C,OH,OW], got " + in[0].type().str() + " -> " +
                   out.type().str());
  PoolGeometry g{xs[2], xs[3], ys[2], ys[3], {1, 1}, {1, 1}, {0, 0}, {1, 1}};
  const OpKind op = node.op();
  if (op != OpKind::AdaptiveAvgPool2d) {
    g.kernel = attrPair(node, "kernel", {0, 0});
    g.stride = strideAttr(node, g.kernel);
    g.pad = attrPair(node, "padding", {0, 0});
    if (op == OpKind::MaxPool2d)
      g.dil = attrPair(node, "dilation", {1, 1});
    if (g.kernel.h <= 0 || g.kernel.w <= 0 || g.stride.h <= 0 || g.stride.w <= 0 || g.dil.h <= 0 ||
        g.dil.w <= 0 || g.pad.h < 0 || g.pad.w < 0)
      fail(node, "kernel, stride and dilation must be positive and padding non-negative");
  } else if (out.numel() > 0 && (g.h == 0 || g.w == 0)) {
    fail(node, "cannot pool an empty input " + in[0].type().str());
  }
  const bool includePad = node.attrs().getBool("count_include_pad", true);
  const int64_t planes = xs[0] * xs[1];
  dispatchFloat(node, in[0].dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *x = in[0].data<T>();
    T *y = out.data<T>();
    for (int64_t p = 0; p < planes; ++p) {
      const T *xp = x + p * g.h * g.w;
      T *yp = y + p * g.oh * g.ow;
      if (op == OpKind::MaxPool2d)
        maxPlane(xp, yp, g);
      else if (op == OpKind::AvgPool2d)
        avgPlane(xp, yp, g, includePad);
      else
        adaptivePlane(xp, yp, g);
    }
  });
}

} // namespace duet::pure
