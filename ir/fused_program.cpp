//===- ir/fused_program.cpp - parse, print and type fused programs --------===//
#include "ir/fused_program.h"

#include "ir/error.h"
#include "ir/shape_rules.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>

namespace duet {

bool isFusibleOp(OpKind op) {
  switch (op) {
  case OpKind::Neg:
  case OpKind::Abs:
  case OpKind::Exp:
  case OpKind::Log:
  case OpKind::Sqrt:
  case OpKind::Rsqrt:
  case OpKind::Tanh:
  case OpKind::Sigmoid:
  case OpKind::Relu:
  case OpKind::Gelu:
  case OpKind::LeakyRelu:
  case OpKind::Clamp:
  case OpKind::Cast:
  case OpKind::Add:
  case OpKind::Sub:
  case OpKind::Mul:
  case OpKind::Div:
  case OpKind::Pow:
  case OpKind::Maximum:
  case OpKind::Minimum:
  case OpKind::Eq:
  case OpKind::Ne:
  case OpKind::Lt:
  case OpKind::Le:
  case OpKind::Gt:
  case OpKind::Ge:
  case OpKind::Where:
  case OpKind::Sum: // a reduction, only as the last step
  case OpKind::Mean: return true;
  default: return false;
  }
}

bool isFusedReduction(OpKind op) { return op == OpKind::Sum || op == OpKind::Mean; }

bool endsWithReduction(const FusedProgram &p) {
  return !p.steps.empty() && isFusedReduction(p.steps.back().op);
}

bool isFusibleDType(DType t) { return t == DType::F32 || t == DType::F64 || t == DType::Bool; }

namespace {

[[noreturn]] void fail(const std::string &msg) {
  throw Error("fused_elementwise: program: " + msg);
}

/// A cursor over the program text; every step is `tN=op[attrs](refs)`.
class Reader {
public:
  explicit Reader(std::string_view s) : s_(s) {}
  void skipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_])))
      ++pos_;
  }
  bool done() {
    skipSpace();
    return pos_ == s_.size();
  }
  bool accept(char c) {
    skipSpace();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(char c, std::string_view where) {
    if (!accept(c))
      fail(fmt::format("expected '{}' {} at offset {}", c, where, pos_));
  }
  /// [A-Za-z0-9_.+-]+ (names, numbers, dtypes).
  std::string_view word() {
    skipSpace();
    size_t start = pos_;
    while (pos_ < s_.size() &&
           (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_' ||
            s_[pos_] == '.' || s_[pos_] == '-' || s_[pos_] == '+'))
      ++pos_;
    if (start == pos_)
      fail(fmt::format("expected a name or number at offset {}", pos_));
    return s_.substr(start, pos_ - start);
  }

private:
  std::string_view s_;
  size_t pos_ = 0;
};

/// "t3" -> 3 for prefix 't'; -1 if it is not of that form.
int numbered(std::string_view w, char prefix) {
  if (w.size() < 2 || w[0] != prefix)
    return -1;
  int n = 0;
  auto [end, ec] = std::from_chars(w.data() + 1, w.data() + w.size(), n);
  return ec == std::errc() && end == w.data() + w.size() && n >= 0 ? n : -1;
}

AttrValue parseValue(std::string_view w) {
  if (w == "true" || w == "false") // keepdim
    return w == "true";
  double d = 0;
  auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), d);
  if (ec == std::errc() && end == w.data() + w.size())
    return d;
  return std::string(w);
}

} // namespace

FusedProgram parseFusedProgram(std::string_view text) {
  FusedProgram p;
  Reader r(text);
  if (r.done())
    fail("empty program");
  do {
    const int n = static_cast<int>(p.steps.size());
    std::string_view dst = r.word();
    if (numbered(dst, 't') != n)
      fail(fmt::format("step {} must be named t{}, got '{}'", n, n, dst));
    r.expect('=', fmt::format("after t{}", n));
    std::string_view name = r.word();
    std::optional<OpKind> op = opFromName(name);
    if (!op || !isFusibleOp(*op))
      fail(fmt::format("t{}: '{}' is not an op a fused program can use", n, name));
    FusedStep step{*op, {}, {}};
    if (r.accept('[')) {
      do {
        std::string key(r.word());
        r.expect('=', fmt::format("after attribute '{}' of t{}", key, n));
        if (r.accept('[')) { // a list of integers: axes=[1,-1]
          std::vector<int64_t> list;
          if (!r.accept(']')) {
            do {
              const AttrValue v = parseValue(r.word());
              const double *d = std::get_if<double>(&v);
              if (!d || *d != static_cast<double>(static_cast<int64_t>(*d)))
                fail(fmt::format("t{}: attribute '{}' lists a non-integer", n, key));
              list.push_back(static_cast<int64_t>(*d));
            } while (r.accept(','));
            r.expect(']', fmt::format("closing the list '{}' of t{}", key, n));
          }
          step.attrs.set(std::move(key), std::move(list));
          continue;
        }
        step.attrs.set(std::move(key), parseValue(r.word()));
      } while (r.accept(','));
      r.expect(']', fmt::format("closing the attributes of t{}", n));
    }
    r.expect('(', fmt::format("opening the operands of t{}", n));
    do {
      std::string_view ref = r.word();
      if (int i = numbered(ref, 'i'); i >= 0)
        step.args.push_back(i);
      else if (int t = numbered(ref, 't'); t >= 0 && t < n)
        step.args.push_back(FusedProgram::stepRef(t));
      else
        fail(fmt::format("t{}: operand '{}' is neither iK nor an earlier step", n, ref));
    } while (r.accept(','));
    r.expect(')', fmt::format("closing the operands of t{}", n));
    if (!p.steps.empty() && isFusedReduction(p.steps.back().op))
      fail(fmt::format("t{}: only the last step may be a reduction ({} is t{})", n,
                       opName(p.steps.back().op), n - 1));
    p.steps.push_back(std::move(step));
  } while (r.accept(';'));
  if (!r.done())
    fail("expected ';' between steps");
  return p;
}

std::string printFusedProgram(const FusedProgram &p) {
  std::string out;
  for (size_t n = 0; n < p.steps.size(); ++n) {
    const FusedStep &s = p.steps[n];
    out += fmt::format("{}t{}={}", n ? "; " : "", n, opName(s.op));
    if (!s.attrs.empty()) {
      std::string list;
      for (const auto &[key, value] : s.attrs.items()) {
        const std::string *str = std::get_if<std::string>(&value);
        const auto *ints = std::get_if<std::vector<int64_t>>(&value);
        list += fmt::format("{}{}={}", list.empty() ? "" : ",", key,
                            str    ? *str
                            : ints ? fmt::format("[{}]", fmt::join(*ints, ","))
                                   : attrValueToString(value));
      }
      out += "[" + list + "]";
    }
    std::string args;
    for (int a : s.args)
      args += fmt::format("{}{}{}", args.empty() ? "" : ",", FusedProgram::isStep(a) ? 't' : 'i',
                          FusedProgram::isStep(a) ? FusedProgram::stepOf(a) : a);
    out += "(" + args + ")";
  }
  return out;
}

std::vector<TensorType> fusedStepTypes(const FusedProgram &p, std::span<const TensorType> inputs) {
  std::vector<TensorType> types;
  std::vector<bool> used(p.steps.size(), false);
  for (size_t n = 0; n < p.steps.size(); ++n) {
    const FusedStep &s = p.steps[n];
    std::vector<TensorType> operands;
    for (int a : s.args) {
      if (FusedProgram::isStep(a)) {
        used[FusedProgram::stepOf(a)] = true;
        operands.push_back(types[FusedProgram::stepOf(a)]);
      } else if (a < static_cast<int>(inputs.size())) {
        operands.push_back(inputs[a]);
      } else {
        fail(fmt::format("t{} reads i{}, but the node has {} operand(s)", n, a, inputs.size()));
      }
    }
    for (const TensorType &t : operands)
      if (!isFusibleDType(t.dtype))
        fail(fmt::format("t{} ({}) reads a {} value; fused programs compute in f32, f64 and bool",
                         n, opName(s.op), dtypeName(t.dtype)));
    TensorType t;
    try {
      t = checkAndInferType(s.op, operands, s.attrs);
    } catch (const Error &e) {
      fail(fmt::format("t{}: {}", n, e.what()));
    }
    if (!isFusibleDType(t.dtype))
      fail(fmt::format("t{} ({}) makes a {} value; fused programs compute in f32, f64 and bool", n,
                       opName(s.op), dtypeName(t.dtype)));
    types.push_back(std::move(t));
  }
  for (size_t n = 0; n + 1 < used.size(); ++n)
    if (!used[n])
      fail(fmt::format("t{} is never used (only the last step is the result)", n));
  return types;
}

namespace rules {

TensorType fusedElementwise(OpKind, Types in, const Attributes &a) {
  return fusedStepTypes(parseFusedProgram(a.getString("program")), in).back();
}

// One operation per result element and step (an estimate: fused nodes are
// made after the cost model has been consulted).
int64_t fusedElementwiseFlops(Types in, const Attributes &a, const TensorType &r) {
  const FusedProgram p = parseFusedProgram(a.getString("program"));
  int64_t steps = static_cast<int64_t>(p.steps.size());
  int64_t n = r.numel();
  for (const TensorType &t : in) // a reduction walks its operand's elements
    n = std::max(n, t.numel());
  return n > INT64_MAX / std::max<int64_t>(steps, 1) ? INT64_MAX : n * steps;
}

} // namespace rules
} // namespace duet
