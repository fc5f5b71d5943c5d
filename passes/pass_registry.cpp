//===- passes/pass_registry.cpp - passes by pipeline name ------------------===//
//
// The registry is the X-macro list in passes/passes.def: no static
// initializers, so nothing depends on link order.
//
#include "ir/error.h"
#include "passes/pass_manager.h"

#define DUET_PASS_INCLUDES
#include "passes/passes.def"

#include <fmt/format.h>

namespace duet {

std::unique_ptr<Pass> createPass(std::string_view name) {
#define DUET_PASS(Name, Class)                                                                     \
  if (name == Name)                                                                                \
    return std::make_unique<Class>();
#include "passes/passes.def"
  throw Error(fmt::format("unknown pass '{}'; known passes: {}", name,
                          fmt::join(registeredPasses(), ", ")));
}

std::vector<std::string> registeredPasses() {
  return {
#define DUET_PASS(Name, Class) Name,
#include "passes/passes.def"
  };
}

static std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

void addPipeline(PassManager &pm, std::string_view commaSeparated) {
  if (trim(commaSeparated).empty())
    return; // an empty pipeline runs nothing
  // Build everything first so a bad name leaves `pm` untouched.
  std::vector<std::unique_ptr<Pass>> passes;
  std::string_view rest = commaSeparated;
  while (true) {
    size_t comma = rest.find(',');
    std::string_view name = trim(rest.substr(0, comma));
    if (name.empty())
      throw Error(fmt::format("empty pass name in pipeline '{}'", commaSeparated));
    passes.push_back(createPass(name));
    if (comma == std::string_view::npos)
      break;
    rest.remove_prefix(comma + 1);
  }
  for (auto &p : passes)
    pm.add(std::move(p));
}

std::string_view defaultPipeline() { return "verify,infer-shapes,constant-fold,cse,dce"; }

} // namespace duet
