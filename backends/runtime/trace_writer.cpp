//===- backends/runtime/trace_writer.cpp - runs as Chrome traces ----------===//
#include "backends/runtime/trace_writer.h"

#include "ir/error.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>

namespace duet {

namespace {

using Json = nlohmann::ordered_json;

constexpr int kPid = 1;

/// Fixed tracks for the usual backends, so traces of different runs line up.
int trackOf(const std::string &backend, std::map<std::string, int> &tracks) {
  static const std::map<std::string, int> kFixed = {
      {"pure", 1}, {"torch", 2}, {"pure (fallback)", 3}};
  auto it = tracks.find(backend);
  if (it != tracks.end())
    return it->second;
  auto fixed = kFixed.find(backend);
  int tid = fixed != kFixed.end() ? fixed->second : static_cast<int>(4 + tracks.size());
  tracks.emplace(backend, tid);
  return tid;
}

Json metadata(const char *name, int tid, Json args) {
  Json e = {{"name", name}, {"ph", "M"}, {"pid", kPid}};
  if (tid >= 0)
    e["tid"] = tid;
  e["args"] = std::move(args);
  return e;
}

} // namespace

std::string traceJson(const RunStats &stats, const TraceInfo &info) {
  Json events = Json::array();
  std::string process = "duet" + (info.graphName.empty() ? "" : ": graph " + info.graphName);
  events.push_back(metadata("process_name", -1, {{"name", process}}));

  std::map<std::string, int> tracks;
  Json steps = Json::array();
  for (size_t i = 0; i < stats.steps.size(); ++i) {
    const StepTiming &s = stats.steps[i];
    Json args = {{"step", i},
                 {"backend", s.backend},
                 {"estimated_us", s.estimatedSeconds * 1e6},
                 {"measured_us", s.measuredSeconds * 1e6}};
    if (s.conversions > 0) {
      args["conversions"] = s.conversions;
      args["converted_bytes"] = s.convertedBytes;
    }
    steps.push_back({{"name", s.label},
                     {"cat", s.backend},
                     {"ph", "X"},
                     {"ts", s.startSeconds * 1e6},
                     {"dur", s.measuredSeconds * 1e6},
                     {"pid", kPid},
                     {"tid", trackOf(s.backend, tracks)},
                     {"args", std::move(args)}});
  }
  for (const auto &[backend, tid] : tracks) {
    events.push_back(metadata("thread_name", tid, {{"name", backend}}));
    events.push_back(metadata("thread_sort_index", tid, {{"sort_index", tid}}));
  }
  for (Json &e : steps)
    events.push_back(std::move(e));

  Json doc = {{"traceEvents", std::move(events)},
              {"displayTimeUnit", "ms"},
              {"otherData",
               {{"format", "duet-trace"},
                {"version", 1},
                {"graph", info.graphName},
                {"mode", info.mode},
                {"total_us", stats.totalSeconds * 1e6},
                {"conversions", stats.conversions},
                {"fallbacks", stats.fallbacks}}}};
  return doc.dump(1) + "\n";
}

void writeTraceFile(const std::string &path, const RunStats &stats, const TraceInfo &info) {
  std::ofstream out(path, std::ios::binary);
  if (!out)
    throw Error("cannot write trace file '" + path + "'");
  out << traceJson(stats, info);
  out.close();
  if (!out)
    throw Error("error while writing trace file '" + path + "'");
}

} // namespace duet
