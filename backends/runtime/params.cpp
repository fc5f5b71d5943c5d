//===- backends/runtime/params.cpp - initial parameter values -------------===//
//
// Uses its own generator (splitmix64) rather than <random> distributions,
// whose output differs between standard libraries: the same seed gives the
// same weights everywhere.
//
#include "backends/runtime/params.h"

#include "ir/graph.h"

#include <cctype>
#include <cmath>
#include <string_view>

namespace duet {

namespace {

uint64_t splitmix64(uint64_t &state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// FNV-1a of the name mixed with the seed.
uint64_t streamSeed(uint64_t seed, std::string_view name) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : name)
    h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  uint64_t s = seed ^ h;
  return splitmix64(s);
}

/// The last part of "bn1.running_var" / "ln_gamma", lower-cased.
std::string lastPart(std::string_view name) {
  size_t cut = name.find_last_of("./");
  std::string_view tail = cut == std::string_view::npos ? name : name.substr(cut + 1);
  std::string out;
  for (char c : tail)
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

enum class Init { Uniform, Ones };

/// Which rule applies, and the uniform bound when it is Uniform.
Init ruleFor(const Node &p, double &bound) {
  const Shape &shape = p.shape();
  if (shape.size() >= 2) {
    double fanIn = 1;
    for (size_t i = 1; i < shape.size(); ++i)
      fanIn *= static_cast<double>(shape[i]);
    bound = fanIn > 0 ? 1.0 / std::sqrt(fanIn) : 0.0;
    return Init::Uniform;
  }
  std::string last = lastPart(p.name());
  if (endsWith(last, "var") || endsWith(last, "weight") || endsWith(last, "gamma") ||
      endsWith(last, "scale"))
    return Init::Ones;
  bound = 0.1;
  return Init::Uniform;
}

} // namespace

ParamStore initParams(const Graph &g, uint64_t seed) {
  ParamStore store;
  for (const Node *p : g.params()) {
    Buffer b = Buffer::allocate(p->type()); // zeros: the integer / bool rule
    if (isFloating(p->dtype())) {
      double bound = 0;
      Init rule = ruleFor(*p, bound);
      uint64_t state = streamSeed(seed, p->name());
      dispatchDType(p->dtype(), [&](auto tag) {
        using T = decltype(tag);
        if constexpr (std::is_floating_point_v<T>) {
          T *data = b.data<T>();
          for (int64_t i = 0; i < b.numel(); ++i) {
            if (rule == Init::Ones) {
              data[i] = T(1);
            } else {
              double u = static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53; // [0,1)
              data[i] = static_cast<T>((2 * u - 1) * bound);
            }
          }
        }
      });
    }
    store.emplace(p->name(), std::move(b));
  }
  return store;
}

} // namespace duet
