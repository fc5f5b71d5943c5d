//===- backends/runtime/memory_plan.h - where each value lives --*- C++ -*-===//
//
// Internal to backends/runtime/. Decides, once per plan, where the value of
// each slot is stored during a run, so that a cached plan allocates nothing:
// pure results share one arena (offsets reused once a value is dead), and an
// elementwise node whose operand dies at it writes over that operand.
//
#pragma once

#include "backends/runtime/executor.h"

#include <cstdint>
#include <vector>

namespace duet {

enum class SlotStorage : uint8_t {
  Bound,   ///< graph input, parameter or constant: bound by run(), read-only
  Arena,   ///< a pure result at a fixed offset in the plan's arena
  Output,  ///< a pure result the caller gets: fresh per run(), or the caller's buffer
  Fresh,   ///< a pure result a returned value may alias (via torch): fresh per run
  Dynamic, ///< set while running: torch region results, aliases, region internals
};

struct MemoryPlan {
  std::vector<SlotStorage> storage; ///< per slot
  std::vector<int64_t> offset;      ///< per slot: byte offset of Arena slots, else -1
  std::vector<int> inPlaceOf;       ///< per slot: the operand slot it overwrites, else -1
  std::vector<int> viewOf;          ///< per slot: a reshape sharing its operand's bytes, else -1
  int64_t arenaBytes = 0;           ///< the arena's size (peak of the planned values)
  int64_t unplannedBytes = 0;       ///< the same values, one allocation each
  int64_t inPlaceSteps = 0;
  int64_t viewSteps = 0; ///< reshapes that need no step at all
  /// One line for the compile report.
  std::string summary() const;
};

/// Plans the slots of a scheduled executor. Liveness counts every slot that
/// may alias a value: a conversion outside a region shares its operand, and
/// a torch region's results may be views of its inputs (from_blob), so a
/// buffer is only reused after the last read of anything that may point
/// into it. Values a graph output may alias are never placed in the arena,
/// since returned buffers must survive the next run.
MemoryPlan planMemory(const Executor::Parts &parts);

/// True for the ops whose kernel may write over an operand of the output's
/// type (one pass, element i read before element i is written).
bool runsInPlace(const Node &n);
/// True for the ops whose result is their operand's bytes with a new shape.
bool isFreeView(const Node &n);

} // namespace duet
