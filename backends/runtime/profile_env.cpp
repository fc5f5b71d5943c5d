//===- backends/runtime/profile_env.cpp - which cost profile runs use -----===//
#include "backends/runtime/profile_env.h"

#include "backends/runtime/machine_info.h"
#include "passes/cost_profile.h"

#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>

namespace duet {

std::string defaultProfilePath() {
  const char *xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg && *xdg)
    return std::string(xdg) + "/duet/profile.json";
  const char *home = std::getenv("HOME");
  if (home && *home)
    return std::string(home) + "/.config/duet/profile.json";
  return "";
}

std::string environmentProfilePath() {
  if (const char *env = std::getenv("DUET_PROFILE"); env && *env)
    return env;
  std::string path = defaultProfilePath();
  std::error_code ec;
  if (path.empty() || !std::filesystem::is_regular_file(path, ec))
    return "";
  return path;
}

std::shared_ptr<const CostProfile> profileFromEnvironment() {
  const std::string path = environmentProfilePath();
  if (path.empty())
    return nullptr;
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const CostProfile>> loaded;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = loaded.find(path);
  if (it == loaded.end())
    it = loaded.emplace(path, loadProfileChecked(path)).first; // warns if stale
  return it->second;
}

} // namespace duet
