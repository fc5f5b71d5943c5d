//===- tools/threshold_flag.cpp - the --threshold OP=N flag ---------------===//
#include "tools/threshold_flag.h"

#include "ir/error.h"
#include "ir/op_registry.h"

namespace duet::cli {

std::map<std::string, double> parseThresholds(const std::vector<std::string> &specs) {
  std::map<std::string, double> out;
  for (const std::string &spec : specs) {
    size_t eq = spec.find('=');
    std::string op = spec.substr(0, eq);
    if (eq == std::string::npos || !opFromName(op))
      throw OptionError("--threshold " + spec +
                        ": expected OP=N with OP an op name (e.g. matmul=1e6)");
    std::string count = spec.substr(eq + 1);
    size_t used = 0;
    double n = -1;
    try {
      n = std::stod(count, &used);
    } catch (const std::exception &) {
      used = 0;
    }
    if (used != count.size() || count.empty() || !(n >= 0))
      throw OptionError("--threshold " + spec + ": '" + count + "' is not a non-negative number");
    out[op] = n;
  }
  return out;
}

} // namespace duet::cli
