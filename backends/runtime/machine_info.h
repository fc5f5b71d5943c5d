//===- backends/runtime/machine_info.h - what a profile was measured on -*- C++ -*-===//
//
// `duet tune` records in its profile every setting that changes timings;
// loading a profile compares them with the running process and warns when
// the profile was measured under other settings (another CPU, BLAS, thread
// count...): its crossovers may no longer hold.
//
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace duet {

class CostProfile;

/// This machine and process: "cpu" (model name from /proc/cpuinfo), "cores",
/// "torch" (LibTorch version or "absent"), "blas", "torch_threads",
/// "openblas_threads" (OPENBLAS_NUM_THREADS or "unset"), "omp_threads",
/// "pure_threads", "isa" (vector extensions the build targets), "compiler",
/// "build" ("optimized"/"unoptimized"), "duet" (version).
std::map<std::string, std::string> currentMachine();

/// The keys of currentMachine() whose change makes a profile stale.
const std::vector<std::string> &timingKeys();

/// What differs between the machine a tuned profile records and this one:
/// "torch_threads: profile 2, now 1". Empty when they match, and for
/// profiles `duet tune` did not write (no "tuned" key: the shipped defaults,
/// hand-written files); keys the profile lacks are not compared.
std::vector<std::string> staleReasons(const CostProfile &profile);
/// Same, against a given machine description (tests).
std::vector<std::string> staleReasons(const CostProfile &profile,
                                      const std::map<std::string, std::string> &now);

/// Loads a profile (CostProfile::load: errors name the file and field) and
/// warns on stderr, once per file and process, when it is stale.
std::shared_ptr<const CostProfile> loadProfileChecked(const std::string &path);
/// The warning text for a stale profile ("" when not stale).
std::string staleWarning(const CostProfile &profile, const std::string &path);

} // namespace duet
