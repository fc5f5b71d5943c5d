//===- tools/run_inputs.cpp - values for a graph's inputs and params ------===//
#include "tools/run_inputs.h"

#include "backends/npy.h"
#include "ir/error.h"
#include "ir/graph.h"

#include <cmath>
#include <filesystem>
#include <numbers>

namespace duet::cli {

namespace {

std::string describeInputs(const Graph &g) {
  std::string s;
  for (const Node *n : g.inputs())
    s += (s.empty() ? "" : ", ") + n->name() + ": " + n->type().str();
  return s.empty() ? "(none)" : s;
}

/// Reads `path` and checks it against the declaration of `node`.
Buffer readFor(const Node &node, const std::string &path, const char *what) {
  std::string fileType;
  Buffer b = readNpy(path, &fileType);
  if (b.type() != node.type())
    throw Error(std::string(what) + " '" + node.name() + "' is declared " + node.type().str() +
                ", but " + path + " holds " + fileType +
                (fileType != b.type().str() ? " (read as " + b.type().str() + ")" : ""));
  return b;
}

} // namespace

BoundInputs bindInputFiles(const Graph &g, const std::vector<std::string> &specs) {
  BoundInputs bound;
  bound.inputs.resize(g.inputs().size());
  size_t next = 0; // the next input a bare FILE binds to
  for (const std::string &spec : specs) {
    size_t eq = spec.find('=');
    std::string name = eq == std::string::npos ? "" : spec.substr(0, eq);
    // "dir/a=b.npy" is a path, not NAME=FILE.
    if (name.find('/') != std::string::npos)
      name.clear();
    if (name.empty()) {
      while (next < bound.inputs.size() && bound.inputs[next].defined())
        ++next;
      if (next == bound.inputs.size())
        throw Error("--input " + spec + ": every input of graph '" + g.name() +
                    "' is already bound (inputs: " + describeInputs(g) + ")");
      bound.inputs[next] = readFor(*g.inputs()[next], spec, "input");
      continue;
    }
    std::string path = spec.substr(eq + 1);
    bool found = false;
    for (size_t i = 0; i < g.inputs().size() && !found; ++i) {
      if (g.inputs()[i]->name() != name)
        continue;
      if (bound.inputs[i].defined())
        throw Error("--input " + spec + ": input '" + name + "' is bound twice");
      bound.inputs[i] = readFor(*g.inputs()[i], path, "input");
      found = true;
    }
    for (const Node *p : g.params())
      if (!found && p->name() == name) {
        bound.params[name] = readFor(*p, path, "parameter");
        found = true;
      }
    if (!found)
      throw Error("--input " + spec + ": graph '" + g.name() + "' has no input named '" + name +
                  "' (inputs: " + describeInputs(g) + ")");
  }
  return bound;
}

namespace {

uint64_t splitmix64(uint64_t &state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double uniform01(uint64_t &state) { return (splitmix64(state) >> 11) * 0x1.0p-53; }

/// The size an integer input indexes into, from how its users read it.
int64_t indexBound(const Node &input) {
  int64_t bound = -1;
  auto take = [&](int64_t n) { bound = bound < 0 ? n : std::min(bound, n); };
  for (const Node *u : input.users()) {
    if (u->op() == OpKind::Embedding && u->input(0) == &input)
      take(u->input(1)->shape()[0]);
    else if (u->op() == OpKind::CrossEntropy && u->input(1) == &input)
      take(u->input(0)->shape().at(1));
    else if (u->op() == OpKind::Gather && u->input(1) == &input)
      take(u->input(0)
               ->shape()[normalizeAxis(u->attrs().getInt("axis", 0), u->input(0)->type().rank())]);
  }
  return bound > 0 ? bound : 10;
}

} // namespace

void fillRandomInputs(const Graph &g, std::vector<Buffer> &inputs, uint64_t seed) {
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].defined())
      continue;
    const Node &in = *g.inputs()[i];
    Buffer b = Buffer::allocate(in.type());
    uint64_t state = seed * 0x100000001b3ULL + i + 1;
    int64_t n = b.numel();
    switch (b.dtype()) {
    case DType::F32:
    case DType::F64:
      for (int64_t k = 0; k < n; ++k) {
        // Box-Muller: the same numbers on every standard library.
        double u1 = 1.0 - uniform01(state), u2 = uniform01(state);
        double v = std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
        if (b.dtype() == DType::F32)
          b.data<float>()[k] = static_cast<float>(v);
        else
          b.data<double>()[k] = v;
      }
      break;
    case DType::I64: {
      auto bound = static_cast<uint64_t>(indexBound(in));
      for (int64_t k = 0; k < n; ++k)
        b.data<int64_t>()[k] = static_cast<int64_t>(splitmix64(state) % bound);
      break;
    }
    case DType::Bool:
      for (int64_t k = 0; k < n; ++k)
        b.data<bool>()[k] = (splitmix64(state) & 1) != 0;
      break;
    }
    inputs[i] = std::move(b);
  }
}

ParamStore loadParams(const Graph &g, const std::string &dir) {
  if (!std::filesystem::exists(dir))
    throw Error("--params " + dir + ": no such file or directory");
  if (!std::filesystem::is_directory(dir))
    throw Error("--params " + dir +
                ": not a directory (give a directory of NAME.npy files, or a "
                ".safetensors file)");
  ParamStore store;
  for (const Node *p : g.params()) {
    std::string path = (std::filesystem::path(dir) / (p->name() + ".npy")).string();
    if (!std::filesystem::exists(path))
      throw Error("--params " + dir + ": no file for parameter '" + p->name() + "' (expected " +
                  path + ")");
    store[p->name()] = readFor(*p, path, "parameter");
  }
  return store;
}

void saveValues(const std::string &dir, const ParamStore &values) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    throw Error("cannot create directory " + dir + ": " + ec.message());
  for (const auto &[name, value] : values)
    writeNpy((std::filesystem::path(dir) / (name + ".npy")).string(), value);
}

} // namespace duet::cli
