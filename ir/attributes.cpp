//===- ir/attributes.cpp - named compile-time node parameters ---------------===//
#include "ir/attributes.h"

#include "ir/error.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace duet {

AttrKind attrKind(const AttrValue &v) { return static_cast<AttrKind>(v.index()); }

std::string_view attrKindName(AttrKind k) {
  switch (k) {
  case AttrKind::Bool: return "bool";
  case AttrKind::Int: return "int";
  case AttrKind::Float: return "float";
  case AttrKind::String: return "string";
  case AttrKind::Ints: return "int list";
  case AttrKind::Floats: return "float list";
  }
  return "?";
}

namespace {

auto lowerBound(std::vector<std::pair<std::string, AttrValue>> &items, std::string_view name) {
  return std::lower_bound(items.begin(), items.end(), name,
                          [](const auto &item, std::string_view n) { return item.first < n; });
}

[[noreturn]] void wrongKind(std::string_view name, const AttrValue &v, std::string_view want) {
  throw Error("attribute '" + std::string(name) + "' should be " + std::string(want) +
              ", got " + std::string(attrKindName(attrKind(v))) + " " + attrValueToString(v));
}

[[noreturn]] void missing(std::string_view name) {
  throw Error("missing required attribute '" + std::string(name) + "'");
}

} // namespace

const AttrValue *Attributes::find(std::string_view name) const {
  auto &items = const_cast<std::vector<std::pair<std::string, AttrValue>> &>(items_);
  auto it = lowerBound(items, name);
  return it != items.end() && it->first == name ? &it->second : nullptr;
}

bool Attributes::has(std::string_view name) const { return find(name) != nullptr; }

void Attributes::set(std::string name, AttrValue value) {
  auto it = lowerBound(items_, name);
  if (it != items_.end() && it->first == name)
    it->second = std::move(value);
  else
    items_.insert(it, {std::move(name), std::move(value)});
}

bool Attributes::erase(std::string_view name) {
  auto it = lowerBound(items_, name);
  if (it == items_.end() || it->first != name)
    return false;
  items_.erase(it);
  return true;
}

int64_t Attributes::getInt(std::string_view name) const {
  const AttrValue *v = find(name);
  if (!v)
    missing(name);
  if (auto *i = std::get_if<int64_t>(v))
    return *i;
  if (auto *b = std::get_if<bool>(v))
    return *b;
  wrongKind(name, *v, "an int");
}

int64_t Attributes::getInt(std::string_view name, int64_t def) const {
  return has(name) ? getInt(name) : def;
}

double Attributes::getFloat(std::string_view name) const {
  const AttrValue *v = find(name);
  if (!v)
    missing(name);
  if (auto *d = std::get_if<double>(v))
    return *d;
  if (auto *i = std::get_if<int64_t>(v))
    return static_cast<double>(*i);
  wrongKind(name, *v, "a float");
}

double Attributes::getFloat(std::string_view name, double def) const {
  return has(name) ? getFloat(name) : def;
}

bool Attributes::getBool(std::string_view name, bool def) const {
  const AttrValue *v = find(name);
  if (!v)
    return def;
  if (auto *b = std::get_if<bool>(v))
    return *b;
  if (auto *i = std::get_if<int64_t>(v); i && (*i == 0 || *i == 1))
    return *i != 0;
  wrongKind(name, *v, "a bool");
}

std::string Attributes::getString(std::string_view name) const {
  const AttrValue *v = find(name);
  if (!v)
    missing(name);
  if (auto *s = std::get_if<std::string>(v))
    return *s;
  wrongKind(name, *v, "a string");
}

std::string Attributes::getString(std::string_view name, std::string def) const {
  return has(name) ? getString(name) : def;
}

std::vector<int64_t> Attributes::getInts(std::string_view name) const {
  const AttrValue *v = find(name);
  if (!v)
    missing(name);
  if (auto *l = std::get_if<std::vector<int64_t>>(v))
    return *l;
  if (auto *i = std::get_if<int64_t>(v)) // a single int where a list is wanted
    return {*i};
  wrongKind(name, *v, "an int list");
}

std::vector<int64_t> Attributes::getInts(std::string_view name, std::vector<int64_t> def) const {
  return has(name) ? getInts(name) : def;
}

std::vector<double> Attributes::getFloats(std::string_view name) const {
  const AttrValue *v = find(name);
  if (!v)
    missing(name);
  if (auto *l = std::get_if<std::vector<double>>(v))
    return *l;
  if (auto *l = std::get_if<std::vector<int64_t>>(v))
    return std::vector<double>(l->begin(), l->end());
  if (auto *d = std::get_if<double>(v))
    return {*d};
  if (auto *i = std::get_if<int64_t>(v))
    return {static_cast<double>(*i)};
  wrongKind(name, *v, "a float list");
}

std::string formatFloat(double v) {
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, res.ptr);
  if (s.find_first_of(".eE") == std::string::npos)
    s += ".0";
  return s;
}

std::string attrValueToString(const AttrValue &v) {
  struct Printer {
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return formatFloat(d); }
    std::string operator()(const std::string &s) const {
      std::string out = "\"";
      for (char c : s) {
        if (c == '"' || c == '\\')
          out += '\\';
        out += c;
      }
      return out + "\"";
    }
    std::string operator()(const std::vector<int64_t> &l) const {
      std::string out = "[";
      for (size_t i = 0; i < l.size(); ++i) {
        if (i)
          out += ',';
        out += std::to_string(l[i]);
      }
      return out + "]";
    }
    std::string operator()(const std::vector<double> &l) const {
      std::string out = "[";
      for (size_t i = 0; i < l.size(); ++i) {
        if (i)
          out += ',';
        out += formatFloat(l[i]);
      }
      return out + "]";
    }
  };
  return std::visit(Printer{}, v);
}

} // namespace duet
