//===- backends/runtime/memory_budget.h - refusing graphs too big to run -*- C++ -*-===//
//
// compile() estimates the peak memory a graph's tensors need and rejects it
// before anything is allocated, so an impossible graph is a clear error
// rather than an out-of-memory kill half-way through a run.
//
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace duet {

class Graph;

/// "8GiB", "512 MiB", "1.5GB", "4096", "1e9" (bytes): binary (KiB MiB GiB
/// TiB) and decimal (KB MB GB TB) units, case-insensitive, optional "B".
/// std::nullopt when the text is not such a size.
std::optional<int64_t> parseByteSize(std::string_view text);

/// The budget compile() applies by default: DUET_MEMORY_LIMIT when set
/// ("0", "none" or "off": no limit), else the machine's physical memory.
/// Throws duet::Error for a malformed DUET_MEMORY_LIMIT. 0 means no limit.
int64_t memoryLimitFromEnvironment();

/// Peak bytes of live tensors when `g` runs node by node in its order:
/// inputs, params and constants stay live for the whole run, each result is
/// live from its node to its last use (outputs to the end). Saturates
/// instead of overflowing.
int64_t estimatePeakBytes(const Graph &g);

/// Throws duet::Error when the graph needs more than `limitBytes` (0: no
/// limit). The message names the node at which the limit is crossed, its
/// type and size, the estimated peak and the limit.
void checkMemoryBudget(const Graph &g, int64_t limitBytes);

} // namespace duet
