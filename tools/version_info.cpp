//===- tools/version_info.cpp - what `duet --version` prints --------------===//
#include "tools/version_info.h"

#include "backends/runtime/machine_info.h"

#include <fmt/format.h>

namespace duet::cli {

std::string versionText() {
  std::map<std::string, std::string> m = currentMachine();
  std::string torch = m["torch"] == "absent" ? "pure-only (built without LibTorch)" : m["torch"];
  std::string text = fmt::format("duet {} (commit {})\n", m["duet"], gitCommit());
  text += fmt::format("torch backend: {}\n", torch);
  if (m.count("blas"))
    text += fmt::format("torch BLAS:    {}\n", m["blas"]);
  text += "pure backend:  Eigen " DUET_EIGEN_VERSION " (no BLAS)\n";
  text += fmt::format("build:         {} ({}), {}, vector ISA {}\n", DUET_BUILD_TYPE, m["build"],
                      m["compiler"], m["isa"]);
  text += "options:       " DUET_BUILD_OPTIONS;
  return text;
}

} // namespace duet::cli
