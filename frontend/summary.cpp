//===- frontend/summary.cpp - one-line description of a value -------------===//
#include "frontend/summary.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace duet {

namespace {

std::string element(DType t, double v) {
  if (t == DType::Bool)
    return v != 0 ? "true" : "false";
  if (t == DType::I64)
    return fmt::format("{}", static_cast<int64_t>(v));
  return fmt::format("{:.6g}", v);
}

} // namespace

std::string summarize(const Buffer &value, int firstN) {
  std::string out = value.type().str();
  int64_t n = value.numel();
  if (n == 0)
    return out + " (empty)";
  if (value.dtype() == DType::Bool) {
    int64_t trues = 0;
    for (int64_t i = 0; i < n; ++i)
      trues += value.at(i) != 0;
    out += fmt::format(" true {}/{}", trues, n);
  } else {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo, total = 0;
    int64_t nans = 0;
    for (int64_t i = 0; i < n; ++i) {
      double v = value.at(i);
      if (std::isnan(v)) {
        ++nans;
        continue;
      }
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      total += v;
    }
    if (nans < n)
      out += fmt::format(" min {} max {} mean {:.6g}", element(value.dtype(), lo),
                         element(value.dtype(), hi), total / static_cast<double>(n - nans));
    if (nans > 0)
      out += fmt::format(" nan {}/{}", nans, n);
  }
  out += " [";
  for (int64_t i = 0; i < n && i < firstN; ++i)
    out += (i ? ", " : "") + element(value.dtype(), value.at(i));
  out += n > firstN ? ", ...]" : "]";
  return out;
}

} // namespace duet
