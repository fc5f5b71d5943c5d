//===- tools/version_info.h - what `duet --version` prints ------*- C++ -*-===//
#pragma once

#include <string>

namespace duet::cli {

/// duet's version and git commit, the LibTorch version (or "pure-only"), the
/// BLAS each backend calls and the build options, one per line.
std::string versionText();

/// The commit the binary was built from (`git describe --always --dirty`),
/// "unknown" outside a git checkout; generated at build time (git_commit.cmake).
const char *gitCommit();

} // namespace duet::cli
