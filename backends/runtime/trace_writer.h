//===- backends/runtime/trace_writer.h - runs as Chrome traces --*- C++ -*-===//
//
// Writes the steps of a run in the Trace Event Format that chrome://tracing
// and Perfetto (ui.perfetto.dev) open: one complete event ("ph": "X") per
// step, on one track (tid) per backend, timestamps in microseconds since the
// run began. Conversions a region made are its event's args. The format:
// docs/dump-format.md ("Run traces").
//
#pragma once

#include "backends/runtime/run_stats.h"

#include <string>

namespace duet {

struct TraceInfo {
  std::string graphName; // names the process track
  std::string mode;      // "auto", ...; recorded in the metadata
};

/// The trace of the most recent run in `stats` as a JSON document.
std::string traceJson(const RunStats &stats, const TraceInfo &info = {});
/// Writes traceJson to `path`; throws duet::Error naming the file if it
/// cannot.
void writeTraceFile(const std::string &path, const RunStats &stats, const TraceInfo &info = {});

} // namespace duet
