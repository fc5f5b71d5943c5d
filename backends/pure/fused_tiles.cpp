//===- backends/pure/fused_tiles.cpp - threaded tile code for fused programs ===//
//
// Every step is a function with the same signature: the step's
// instruction, the tile's context, and the 8 packets of the running value
// (v0..v7) as arguments, so the ABI keeps them in vector registers (zmm0-7
// with AVX-512). A step computes and ends with `return next(...)`, which
// GCC and Clang compile to a jump at -O2: no stack grows and no packet is
// spilled between steps. The last instruction stores the tile.
//
// The packet formulas are the ones Eigen's array expressions use in the
// block loop (fused.cpp, math.h): the same functors' packetOp, so both
// paths compute the same values (up to FMA contraction, which the compiler
// may apply differently).
//
#include "backends/pure/fused_tiles.h"

#include "backends/pure/eigen.h"

#include <unsupported/Eigen/SpecialFunctions>

#include <cmath>
#include <limits>
#include <type_traits>
#include <variant>
#include <vector>

namespace duet::pure {

namespace {

namespace ei = Eigen::internal;

/// Longest program run as tile code. Builds without sibling-call
/// optimization (-O0) recurse once per instruction and tile.
constexpr size_t kMaxTileInstrs = 512;

template <class T> struct Machine {
  using P = typename ei::packet_traits<T>::type;
  static constexpr int W = ei::packet_traits<T>::size;
  static constexpr int64_t kTile = 8 * W;

  struct Instr;
  struct Ctx {
    const void *const *slot;
    unsigned char *registers;
    T *out;
    int64_t at; // first element of the tile, from the block's start
  };
  using Fn = void (*)(const Instr *, const Ctx &, P, P, P, P, P, P, P, P);
  struct Instr {
    Fn fn = nullptr;
    int slot = 0;        // operand slot; Save: byte offset of the register
    T a = 0, b = 0;      // clamp bounds, leaky_relu slope
  };

// The parameter list of every step, and the jump to the next one.
#define DUET_TILE_PARAMS                                                                           \
  [[maybe_unused]] const Instr *s, const Ctx &c, P v0, P v1, P v2, P v3, P v4, P v5, P v6, P v7
#define DUET_TILE_NEXT return s[1].fn(s + 1, c, v0, v1, v2, v3, v4, v5, v6, v7)

  /// v_k = f(v_k, k) for the 8 packets.
  template <class F>
  static inline __attribute__((always_inline)) void each(F &&f, P &v0, P &v1, P &v2, P &v3,
                                                         P &v4, P &v5, P &v6, P &v7) {
    v0 = f(v0, 0);
    v1 = f(v1, 1);
    v2 = f(v2, 2);
    v3 = f(v3, 3);
    v4 = f(v4, 4);
    v5 = f(v5, 5);
    v6 = f(v6, 6);
    v7 = f(v7, 7);
  }
#define DUET_TILE_EACH(f) each(f, v0, v1, v2, v3, v4, v5, v6, v7)

  static const T *operand(const Instr *s, const Ctx &c) {
    return static_cast<const T *>(c.slot[s->slot]) + c.at;
  }

  static void load(DUET_TILE_PARAMS) {
    const T *p = operand(s, c);
    DUET_TILE_EACH([p](P, int k) { return ei::ploadu<P>(p + k * W); });
    DUET_TILE_NEXT;
  }
  static void save(DUET_TILE_PARAMS) {
    T *p = reinterpret_cast<T *>(c.registers + s->slot) + c.at;
    DUET_TILE_EACH([p](P v, int k) {
      ei::pstoreu(p + k * W, v);
      return v;
    });
    DUET_TILE_NEXT;
  }
  static void store(DUET_TILE_PARAMS) {
    T *p = c.out + c.at;
    DUET_TILE_EACH([p](P v, int k) {
      ei::pstoreu(p + k * W, v);
      return v;
    });
  }

  // Unary steps: Op is built from the instruction (constants), then maps
  // a packet.
  template <class Op> static void unary(DUET_TILE_PARAMS) {
    const Op op(*s);
    DUET_TILE_EACH([&op](P v, int) { return op(v); });
    DUET_TILE_NEXT;
  }
  // Binary steps, by where the other operand comes from. `Swap`: the
  // running value is the right-hand side.
  template <class Op, bool Swap> static void withMemory(DUET_TILE_PARAMS) {
    const T *p = operand(s, c);
    DUET_TILE_EACH([p](P v, int k) {
      const P m = ei::ploadu<P>(p + k * W);
      return Swap ? Op::f(m, v) : Op::f(v, m);
    });
    DUET_TILE_NEXT;
  }
  template <class Op, bool Swap> static void withScalar(DUET_TILE_PARAMS) {
    const P m = ei::pset1<P>(*static_cast<const T *>(c.slot[s->slot]));
    DUET_TILE_EACH([m](P v, int) { return Swap ? Op::f(m, v) : Op::f(v, m); });
    DUET_TILE_NEXT;
  }
  template <class Op> static void withSelf(DUET_TILE_PARAMS) {
    DUET_TILE_EACH([](P v, int) { return Op::f(v, v); });
    DUET_TILE_NEXT;
  }
#undef DUET_TILE_EACH
#undef DUET_TILE_NEXT
#undef DUET_TILE_PARAMS

  struct Add { static P f(P a, P b) { return ei::padd(a, b); } };
  struct Sub { static P f(P a, P b) { return ei::psub(a, b); } };
  struct Mul { static P f(P a, P b) { return ei::pmul(a, b); } };
  struct Div { static P f(P a, P b) { return ei::pdiv(a, b); } };
  struct Max { static P f(P a, P b) { return maxMinPropagatingNaN<true>(a, b); } };
  struct Min { static P f(P a, P b) { return maxMinPropagatingNaN<false>(a, b); } };

  /// torch.maximum / minimum: NaN if either is NaN. Eigen's pmax<PropagateNaN>
  /// computes the same, but on AVX-512 it turns the compare's mask register
  /// into a vector and back (two more instructions per packet).
  template <bool IsMax> static P maxMinPropagatingNaN(P a, P b) {
#ifdef EIGEN_VECTORIZE_AVX512
    if constexpr (W == 16 && sizeof(T) == 4) // x86 max/min return b when either is NaN
      return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q),
                                  IsMax ? _mm512_max_ps(a, b) : _mm512_min_ps(a, b), a);
    else if constexpr (W == 8 && sizeof(T) == 8)
      return _mm512_mask_blend_pd(_mm512_cmp_pd_mask(a, a, _CMP_UNORD_Q),
                                  IsMax ? _mm512_max_pd(a, b) : _mm512_min_pd(a, b), a);
#endif
    if constexpr (IsMax)
      return ei::pmax<Eigen::PropagateNaN>(a, b);
    else
      return ei::pmin<Eigen::PropagateNaN>(a, b);
  }

  /// A unary step applying Eigen functor F's packet op.
  template <class F> struct Functor {
    explicit Functor(const Instr &) {}
    P operator()(P v) const { return F().packetOp(v); }
  };
  struct Neg {
    explicit Neg(const Instr &) {}
    P operator()(P v) const { return ei::pnegate(v); }
  };
  struct Abs {
    explicit Abs(const Instr &) {}
    P operator()(P v) const { return ei::pabs(v); }
  };
  // Eigen's pmax(a, b) / pmin(a, b) are (a < b ? b : a) / (b < a ? b : a)
  // on every target (x86 maxps with swapped operands): exactly the
  // selects of the step kernels, so NaN and -0 pass through the same way.
  struct Relu { // (x < 0).select(0, x)
    explicit Relu(const Instr &) {}
    P operator()(P v) const { return ei::pmax(v, ei::pset1<P>(T(0))); }
  };
  struct LeakyRelu { // (x > 0).select(x, x * slope)
    P slope;
    explicit LeakyRelu(const Instr &s) : slope(ei::pset1<P>(s.a)) {}
    P operator()(P v) const {
      return ei::pselect(ei::pcmp_lt(ei::pset1<P>(T(0)), v), v, ei::pmul(v, slope));
    }
  };
  struct Clamp { // torch.clamp: NaN falls through both comparisons
    P lo, hi;
    explicit Clamp(const Instr &s) : lo(ei::pset1<P>(s.a)), hi(ei::pset1<P>(s.b)) {}
    P operator()(P v) const { return ei::pmin(ei::pmax(v, lo), hi); } // (x < lo) ? lo : x, ...
  };
  struct NaNs { // clamp with a NaN bound
    explicit NaNs(const Instr &) {}
    P operator()(P) const { return ei::pset1<P>(std::numeric_limits<T>::quiet_NaN()); }
  };
  struct Rsqrt { // x.sqrt().inverse()
    explicit Rsqrt(const Instr &) {}
    P operator()(P v) const {
      return ei::scalar_inverse_op<T>().packetOp(ei::scalar_sqrt_op<T>().packetOp(v));
    }
  };
  struct Sigmoid { // sigmoidOf: (1 + exp(-x)).inverse()
    explicit Sigmoid(const Instr &) {}
    P operator()(P v) const {
      const P e = ei::scalar_exp_op<T>().packetOp(ei::pnegate(v));
      return ei::scalar_inverse_op<T>().packetOp(ei::padd(ei::pset1<P>(T(1)), e));
    }
  };
  struct Gelu { // geluOf: 0.5 x (1 + erf(x / sqrt 2))
    explicit Gelu(const Instr &) {}
    P operator()(P v) const {
      const P r = ei::pmul(v, ei::pset1<P>(static_cast<T>(0.70710678118654752440)));
      const P e = ei::scalar_erf_op<T>().packetOp(r);
      return ei::pmul(ei::pmul(ei::pset1<P>(T(0.5)), v), ei::padd(ei::pset1<P>(T(1)), e));
    }
  };

  template <class F> static constexpr bool vectorized() {
    return ei::functor_traits<F>::PacketAccess;
  }

  /// The unary step for `ins`, or null.
  static Fn unaryFn(const FusedInstr &ins, Instr &out) {
    switch (ins.op) {
    case OpKind::Neg: return &unary<Neg>;
    case OpKind::Abs: return &unary<Abs>;
    case OpKind::Relu: return &unary<Relu>;
    case OpKind::LeakyRelu: out.a = static_cast<T>(ins.consts.slope); return &unary<LeakyRelu>;
    case OpKind::Clamp: {
      const T inf = std::numeric_limits<T>::infinity();
      out.a = ins.consts.hasLo ? static_cast<T>(ins.consts.lo) : -inf;
      out.b = ins.consts.hasHi ? static_cast<T>(ins.consts.hi) : inf;
      if (std::isnan(out.a) || std::isnan(out.b))
        return &unary<NaNs>;
      return &unary<Clamp>;
    }
    case OpKind::Sqrt:
      if constexpr (vectorized<ei::scalar_sqrt_op<T>>())
        return &unary<Functor<ei::scalar_sqrt_op<T>>>;
      return nullptr;
    case OpKind::Rsqrt:
      if constexpr (vectorized<ei::scalar_sqrt_op<T>>())
        return &unary<Rsqrt>;
      return nullptr;
    case OpKind::Exp:
      if constexpr (vectorized<ei::scalar_exp_op<T>>())
        return &unary<Functor<ei::scalar_exp_op<T>>>;
      return nullptr;
    case OpKind::Log:
      if constexpr (vectorized<ei::scalar_log_op<T>>())
        return &unary<Functor<ei::scalar_log_op<T>>>;
      return nullptr;
    case OpKind::Tanh:
      if constexpr (vectorized<ei::scalar_tanh_op<T>>())
        return &unary<Functor<ei::scalar_tanh_op<T>>>;
      return nullptr;
    case OpKind::Sigmoid:
      if constexpr (vectorized<ei::scalar_exp_op<T>>())
        return &unary<Sigmoid>;
      return nullptr;
    case OpKind::Gelu:
      if constexpr (vectorized<ei::scalar_erf_op<T>>())
        return &unary<Gelu>;
      return nullptr;
    default: return nullptr;
    }
  }

  /// Binary step functions for `op` by operand source, or all null.
  struct BinaryFns {
    Fn memory = nullptr, memorySwapped = nullptr, scalar = nullptr, scalarSwapped = nullptr,
       self = nullptr;
  };
  template <class Op> static BinaryFns binaryFnsOf() {
    return {&withMemory<Op, false>, &withMemory<Op, true>, &withScalar<Op, false>,
            &withScalar<Op, true>, &withSelf<Op>};
  }
  static BinaryFns binaryFns(OpKind op) {
    switch (op) {
    case OpKind::Add: return binaryFnsOf<Add>();
    case OpKind::Sub: return binaryFnsOf<Sub>();
    case OpKind::Mul: return binaryFnsOf<Mul>();
    case OpKind::Div: return binaryFnsOf<Div>();
    case OpKind::Maximum: return binaryFnsOf<Max>();
    case OpKind::Minimum: return binaryFnsOf<Min>();
    default: return {};
    }
  }

  /// Translates the plan's steps; false when one has no tile form.
  ///
  /// The running value (the packets) holds the previous step's result, so
  /// a step reading it costs no memory traffic. A step whose value is also
  /// read later than by the next step is saved to its register.
  static bool compile(const FusedPlan &plan, std::vector<Instr> &code) {
    const int numIn = plan.numInputs();
    const int numSteps = static_cast<int>(plan.instrs.size());
    std::vector<bool> saved(numSteps, false);
    for (int j = 0; j < numSteps; ++j) {
      const FusedInstr &ins = plan.instrs[j];
      if (ins.type != dtypeOf<T>() || ins.argType != dtypeOf<T>())
        return false;
      for (int k = 0; k < ins.nargs; ++k) {
        const int a = ins.args[k];
        if (a < numIn && plan.inputTypes[a].dtype != dtypeOf<T>())
          return false;
        if (a >= numIn && a - numIn < j - 1)
          saved[a - numIn] = true;
      }
    }
    int running = -1; // slot whose value the packets hold
    auto emit = [&](Fn fn, int slot) {
      Instr i;
      i.fn = fn;
      i.slot = slot;
      code.push_back(i);
    };
    for (int j = 0; j < numSteps; ++j) {
      const FusedInstr &ins = plan.instrs[j];
      if (ins.nargs == 1) {
        Instr i;
        const Fn fn = unaryFn(ins, i);
        if (!fn)
          return false;
        if (ins.args[0] != running)
          emit(&load, ins.args[0]);
        i.fn = fn;
        code.push_back(i);
      } else {
        const BinaryFns fns = binaryFns(ins.op);
        if (!fns.memory || ins.nargs != 2)
          return false;
        const int a = ins.args[0], b = ins.args[1];
        if (a != running && b == running) { // op(a, value)
          emit(ins.scalar[0] ? fns.scalarSwapped : fns.memorySwapped, a);
        } else if (a != running && ins.scalar[0]) { // op(scalar, b)
          emit(&load, b);
          emit(fns.scalarSwapped, a);
        } else {
          if (a != running)
            emit(&load, a);
          if (b == a)
            emit(fns.self, b);
          else
            emit(ins.scalar[1] ? fns.scalar : fns.memory, b);
        }
      }
      running = numIn + j;
      if (saved[j]) {
        if (ins.reg < 0)
          return false;
        emit(&save, static_cast<int>(ins.reg * kRegisterBytes));
      }
    }
    emit(&store, 0);
    return code.size() <= kMaxTileInstrs;
  }

  static void run(const std::vector<Instr> &code, const void *const *slot,
                  unsigned char *registers, void *out, int64_t n) {
    Ctx c{slot, registers, static_cast<T *>(out), 0};
    const P z = ei::pset1<P>(T(0));
    const Instr *first = code.data();
    for (c.at = 0; c.at < n; c.at += kTile)
      first->fn(first, c, z, z, z, z, z, z, z, z);
  }

  template <class U> static constexpr DType dtypeOf() {
    return std::is_same_v<U, float> ? DType::F32 : DType::F64;
  }
};

} // namespace

struct TileProgram {
  std::variant<std::vector<Machine<float>::Instr>, std::vector<Machine<double>::Instr>> code;
  int64_t tileElements = 0;
};

std::shared_ptr<const TileProgram> compileTileProgram(const FusedPlan &plan) {
  auto program = std::make_shared<TileProgram>();
  if (plan.outType.dtype == DType::F32) {
    std::vector<Machine<float>::Instr> code;
    if (!Machine<float>::compile(plan, code))
      return nullptr;
    program->code = std::move(code);
    program->tileElements = Machine<float>::kTile;
  } else if (plan.outType.dtype == DType::F64) {
    std::vector<Machine<double>::Instr> code;
    if (!Machine<double>::compile(plan, code))
      return nullptr;
    program->code = std::move(code);
    program->tileElements = Machine<double>::kTile;
  } else {
    return nullptr;
  }
  return program;
}

int64_t tileElements(const TileProgram &program) { return program.tileElements; }

void runTiles(const TileProgram &program, const void *const *slot, unsigned char *registers,
              void *out, int64_t n) {
  std::visit(
      [&](const auto &code) {
        using Code = std::decay_t<decltype(code)>;
        if constexpr (std::is_same_v<Code, std::vector<Machine<float>::Instr>>)
          Machine<float>::run(code, slot, registers, out, n);
        else
          Machine<double>::run(code, slot, registers, out, n);
      },
      program.code);
}

} // namespace duet::pure
