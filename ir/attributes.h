//===- ir/attributes.h - named compile-time node parameters -----*- C++ -*-===//
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace duet {

/// An attribute value: bool, int, float, string, int list or float list.
/// (An empty list is an int list.)
using AttrValue = std::variant<bool, int64_t, double, std::string,
                               std::vector<int64_t>, std::vector<double>>;

enum class AttrKind : uint8_t { Bool, Int, Float, String, Ints, Floats };
AttrKind attrKind(const AttrValue &v);
std::string_view attrKindName(AttrKind k);

/// Attributes of a node, kept sorted by name so printing, hashing and
/// comparison are deterministic.
class Attributes {
public:
  bool has(std::string_view name) const;
  const AttrValue *find(std::string_view name) const;
  void set(std::string name, AttrValue value);
  bool erase(std::string_view name);

  /// Typed getters. The `def` forms return the default when absent; all throw
  /// duet::Error when present with the wrong kind (an int is accepted where a
  /// float is asked for, and a bool where an int is).
  int64_t getInt(std::string_view name) const;
  int64_t getInt(std::string_view name, int64_t def) const;
  double getFloat(std::string_view name) const;
  double getFloat(std::string_view name, double def) const;
  bool getBool(std::string_view name, bool def) const;
  std::string getString(std::string_view name) const;
  std::string getString(std::string_view name, std::string def) const;
  std::vector<int64_t> getInts(std::string_view name) const;
  std::vector<int64_t> getInts(std::string_view name, std::vector<int64_t> def) const;
  std::vector<double> getFloats(std::string_view name) const;

  const std::vector<std::pair<std::string, AttrValue>> &items() const { return items_; }
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  friend bool operator==(const Attributes &, const Attributes &) = default;

private:
  std::vector<std::pair<std::string, AttrValue>> items_; // sorted by name
};

/// Text form of one value as the IR printer writes it: `true`, `3`, `0.5`,
/// `"s"`, `[1,2]`, `[0.5,1.0]`. Floats always carry a `.` or exponent and
/// round-trip exactly.
std::string attrValueToString(const AttrValue &v);
/// Shortest round-tripping text of a double that still reads as a float.
std::string formatFloat(double v);

} // namespace duet
