//===- backends/pure/source.cpp - constants and boundary copies -----------===//

#include "backends/pure/common.h"
#include "backends/pure/kernels.h"

#include <cstring>

namespace duet::pure {

void runConstant(const Node &node, Buffer &out) {
  const AttrValue *v = node.attrs().find("value");
  if (!v)
    fail(node, "missing attribute 'value'");
  std::vector<double> values;
  if (const auto *fs = std::get_if<std::vector<double>>(v))
    values = *fs;
  else if (const auto *is = std::get_if<std::vector<int64_t>>(v))
    values.assign(is->begin(), is->end());
  else if (const double *f = std::get_if<double>(v))
    values = {*f};
  else if (const int64_t *i = std::get_if<int64_t>(v))
    values = {static_cast<double>(*i)};
  else
    fail(node, "attribute 'value' must be a float list");
  const int64_t n = out.numel();
  if (values.size() != 1 && static_cast<int64_t>(values.size()) != n)
    fail(node, "'value' has " + std::to_string(values.size()) + " elements; expected 1 or " +
                   std::to_string(n) + " for " + out.type().str());
  dispatchDType(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T *o = out.data<T>();
    if (values.size() == 1) {
      T x = fromDouble<T>(values[0]);
      for (int64_t i = 0; i < n; ++i)
        o[i] = x;
    } else {
      for (int64_t i = 0; i < n; ++i)
        o[i] = fromDouble<T>(values[static_cast<size_t>(i)]);
    }
  });
}

void runCopy(const Node &, Inputs in, Buffer &out) {
  if (out.nbytes() > 0 && out.raw() != in[0].raw())
    std::memcpy(out.raw(), in[0].raw(), out.nbytes());
}

} // namespace duet::pure
