//===- backends/pure/fused_plan.cpp - compile and cache fused programs ----===//
#include "backends/pure/fused_plan.h"

#include "backends/pure/common.h"
#include "backends/pure/fused_tiles.h"
#include "backends/pure/strided.h"
#include "ir/fused_program.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>

namespace duet::pure {

namespace {

FusedOperand operandAccess(const TensorType &t, const Shape &out) {
  FusedOperand op;
  op.elemSize = dtypeSize(t.dtype);
  if (t.numel() == numel(out))
    return op; // same elements in the same order: read in place
  if (t.numel() == 1) {
    op.access = FusedAccess::Splat;
    return op;
  }
  op.access = FusedAccess::Gather;
  StridedLoop<2> loop = makeLoop<2>(out, {contiguousStrides(out), broadcastStrides(t.shape, out)});
  op.sizes = loop.sizes;
  op.strides = loop.strides[1];
  return op;
}

std::shared_ptr<FusedPlan> compilePlan(const Node &node, std::span<const Buffer> in) {
  auto plan = std::make_shared<FusedPlan>();
  plan->program = node.attrs().getString("program");
  for (const Buffer &b : in)
    plan->inputTypes.push_back(b.type());
  plan->outType = node.type();
  FusedProgram prog;
  std::vector<TensorType> types;
  try {
    prog = parseFusedProgram(plan->program);
    types = fusedStepTypes(prog, plan->inputTypes);
  } catch (const Error &e) {
    fail(node, e.what());
  }
  if (types.back() != node.type())
    fail(node, "the program computes " + types.back().str() + " but the node's type is " +
                   node.type().str());
  const int numIn = plan->numInputs();
  // A trailing reduction is done by the loop itself (fused.cpp): the
  // instructions are the steps before it, over its operand's elements.
  plan->reduces = endsWithReduction(prog);
  const int numSteps = static_cast<int>(prog.steps.size()) - (plan->reduces ? 1 : 0);
  if (numSteps == 0)
    fail(node, "a fused reduction needs an elementwise step before it");
  const TensorType loopType = types[numSteps - 1];
  if (plan->reduces && loopType.dtype != DType::F32 && loopType.dtype != DType::F64)
    fail(node, "a fused reduction sums f32 or f64 values, not " + loopType.str());
  plan->loopElements = loopType.numel();
  if (plan->reduces) {
    plan->mean = prog.steps.back().op == OpKind::Mean;
    plan->rowLength = node.type().numel() > 0 ? loopType.numel() / node.type().numel() : 0;
    if (prog.steps.back().args != std::vector<int>{FusedProgram::stepRef(numSteps - 1)})
      fail(node, "a fused reduction must reduce the step before it");
  }
  auto arithmetic = [](OpKind k) {
    return k == OpKind::Add || k == OpKind::Sub || k == OpKind::Mul || k == OpKind::Div ||
           k == OpKind::Maximum || k == OpKind::Minimum;
  };
  for (const TensorType &t : plan->inputTypes) {
    plan->operands.push_back(operandAccess(t, loopType.shape));
    if (plan->operands.back().sizes.size() > kMaxGatherRank)
      fail(node, "an operand broadcasts over more than " + std::to_string(kMaxGatherRank) +
                     " separate dims (" + t.str() + " to " + node.type().str() + ")");
    if (plan->operands.back().access != FusedAccess::Direct)
      plan->operands.back().reg = plan->numRegisters++;
  }
  // Liveness: a step's register is free after its last reader, and a
  // step may write the register an operand dies in when their elements
  // have the same size (then element i is read before it is overwritten).
  std::vector<int> lastUse(numSteps, -1);
  for (int s = 0; s < numSteps; ++s)
    for (int a : prog.steps[s].args)
      if (FusedProgram::isStep(a))
        lastUse[FusedProgram::stepOf(a)] = s;
  std::vector<int> freeRegs;
  std::vector<int> regOf(numSteps, -1);
  std::vector<DType> dtypeOfReg(plan->numRegisters, DType::F64); // operand registers: never freed
  for (int s = 0; s < numSteps; ++s) {
    const FusedStep &step = prog.steps[s];
    FusedInstr ins;
    ins.op = step.op;
    ins.type = types[s].dtype;
    ins.nargs = static_cast<int>(step.args.size());
    for (int k = 0; k < ins.nargs; ++k) {
      int a = step.args[k];
      ins.args[k] = FusedProgram::isStep(a) ? numIn + FusedProgram::stepOf(a) : a;
    }
    for (int k = 0; k < ins.nargs; ++k) {
      const int slot = ins.args[k];
      if (slot >= numIn || plan->operands[slot].access != FusedAccess::Splat)
        continue;
      // Arithmetic takes a splat as a scalar (no block to fill and read);
      // anything else reads the filled block.
      if (arithmetic(step.op) && !ins.scalar[1 - k])
        ins.scalar[k] = true;
      else
        plan->operands[slot].fill = true;
    }
    auto dtypeOfSlot = [&](int slot) {
      return slot < numIn ? plan->inputTypes[slot].dtype : types[slot - numIn].dtype;
    };
    ins.argType = dtypeOfSlot(ins.args[step.op == OpKind::Where ? 1 : 0]);
    ins.consts = UnaryConstants::of(step.attrs);
    std::vector<int> dying; // registers whose value this step reads last
    for (int k = 0; k < ins.nargs; ++k) {
      int a = step.args[k];
      if (FusedProgram::isStep(a) && lastUse[FusedProgram::stepOf(a)] == s &&
          regOf[FusedProgram::stepOf(a)] >= 0) {
        dying.push_back(regOf[FusedProgram::stepOf(a)]);
        dtypeOfReg[dying.back()] = types[FusedProgram::stepOf(a)].dtype;
        regOf[FusedProgram::stepOf(a)] = -1;
      }
    }
    if (s + 1 < numSteps) {
      auto same = std::find_if(dying.begin(), dying.end(), [&](int r) {
        return dtypeSize(dtypeOfReg[r]) == dtypeSize(ins.type);
      });
      if (!freeRegs.empty()) {
        ins.reg = freeRegs.back();
        freeRegs.pop_back();
      } else if (same != dying.end()) {
        ins.reg = *same;
        dying.erase(same);
      } else {
        ins.reg = plan->numRegisters++;
        dtypeOfReg.push_back(ins.type);
      }
      regOf[s] = ins.reg;
    }
    freeRegs.insert(freeRegs.end(), dying.begin(), dying.end());
    plan->instrs.push_back(ins);
  }
  if (plan->reduces)
    plan->sinkRegister = plan->numRegisters++;
  plan->tiles = compileTileProgram(*plan);
  return plan;
}

/// dst[i] = src[i * stride] for `n` elements of E's size (stride 0: a splat).
template <class E>
void stridedRun(unsigned char *dst, const unsigned char *src, int64_t stride, int64_t n) {
  E *d = reinterpret_cast<E *>(dst);
  const E *s = reinterpret_cast<const E *>(src);
  if (stride == 0)
    std::fill_n(d, n, *s);
  else
    for (int64_t i = 0; i < n; ++i)
      d[i] = s[i * stride];
}

bool matches(const FusedPlan &p, const Node &node, std::span<const Buffer> in) {
  if (p.inputTypes.size() != in.size() || p.outType != node.type())
    return false;
  for (size_t k = 0; k < in.size(); ++k)
    if (p.inputTypes[k] != in[k].type())
      return false;
  const AttrValue *v = node.attrs().find("program");
  const std::string *s = v ? std::get_if<std::string>(v) : nullptr;
  return s && *s == p.program;
}

} // namespace

std::shared_ptr<const FusedPlan> fusedPlanFor(const Node &node, std::span<const Buffer> in) {
  // Per thread: the last few nodes seen (checked by content, so a node
  // freed and another allocated at its address cannot pick up a stale plan).
  struct Recent {
    const Node *node = nullptr;
    std::shared_ptr<const FusedPlan> plan;
  };
  constexpr size_t kRecent = 16;
  thread_local Recent recent[kRecent];
  thread_local size_t nextSlot = 0;
  for (Recent &r : recent)
    if (r.node == &node && matches(*r.plan, node, in))
      return r.plan;

  static std::mutex mutex;
  static std::multimap<std::string, std::shared_ptr<const FusedPlan>> shared;
  std::shared_ptr<const FusedPlan> plan;
  {
    std::lock_guard<std::mutex> lock(mutex);
    const std::string program = node.attrs().getString("program");
    auto [lo, hi] = shared.equal_range(program);
    for (auto it = lo; it != hi && !plan; ++it)
      if (matches(*it->second, node, in))
        plan = it->second;
    if (!plan) {
      if (shared.size() >= 4096) // bound the memory of long-lived processes
        shared.clear();
      plan = compilePlan(node, in);
      shared.emplace(program, plan);
    }
  }
  recent[nextSlot] = {&node, plan};
  nextSlot = (nextSlot + 1) % kRecent;
  return plan;
}

void gatherBlock(const FusedOperand &op, const void *src, int64_t start, int64_t n, void *dst) {
  const size_t rank = op.sizes.size();
  const size_t es = op.elemSize;
  // Multi-index of `start` in the collapsed shape, innermost last.
  int64_t idx[kMaxGatherRank];
  int64_t offset = 0;
  int64_t rest = start;
  for (size_t d = rank; d-- > 0;) {
    idx[d] = rest % op.sizes[d];
    rest /= op.sizes[d];
    offset += idx[d] * op.strides[d];
  }
  const auto *s = static_cast<const unsigned char *>(src);
  auto *o = static_cast<unsigned char *>(dst);
  const int64_t inner = op.sizes[rank - 1], stride = op.strides[rank - 1];
  while (n > 0) {
    const int64_t run = std::min(n, inner - idx[rank - 1]);
    const unsigned char *p = s + offset * es;
    if (stride == 1)
      std::memcpy(o, p, run * es);
    else if (es == 4)
      stridedRun<uint32_t>(o, p, stride, run);
    else if (es == 8)
      stridedRun<uint64_t>(o, p, stride, run);
    else
      stridedRun<uint8_t>(o, p, stride, run);
    o += run * es;
    n -= run;
    // Advance to the start of the next row.
    offset += (run)*stride;
    idx[rank - 1] += run;
    for (size_t d = rank - 1; d > 0 && idx[d] == op.sizes[d]; --d) {
      offset -= op.sizes[d] * op.strides[d];
      idx[d] = 0;
      offset += op.strides[d - 1];
      ++idx[d - 1];
    }
  }
}

} // namespace duet::pure
