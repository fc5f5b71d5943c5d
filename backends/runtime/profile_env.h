//===- backends/runtime/profile_env.h - which cost profile runs use -*- C++ -*-===//
#pragma once

#include <memory>
#include <string>

namespace duet {

class CostProfile;

/// Where `duet tune` saves and plain runs look for a profile:
/// $XDG_CONFIG_HOME/duet/profile.json, else ~/.config/duet/profile.json
/// (empty when neither variable is set).
std::string defaultProfilePath();

/// The file profileFromEnvironment() loads: DUET_PROFILE, else the default
/// path when that file exists; "" for the shipped defaults.
std::string environmentProfilePath();

/// The profile plain runs use: the file named by DUET_PROFILE (an error,
/// naming it, if it cannot be loaded), else the default path when that file
/// exists, else null (the shipped defaults). Each file is loaded once per
/// process and the same pointer returned, so plan-cache keys stay stable.
std::shared_ptr<const CostProfile> profileFromEnvironment();

} // namespace duet
