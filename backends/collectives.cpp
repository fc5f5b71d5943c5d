//===- backends/collectives.cpp - the process's communicator registry -----===//
#include "backends/collectives.h"

#include "ir/error.h"

#include <map>
#include <mutex>

namespace duet {

namespace {
struct Registry {
  std::mutex mu;
  std::map<int, std::shared_ptr<Communicator>> groups;
  int next = 1;
};
Registry &registry() {
  static Registry r;
  return r;
}
} // namespace

int registerCommunicator(std::shared_ptr<Communicator> comm) {
  if (!comm)
    throw Error("registerCommunicator: null communicator");
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  int id = r.next++;
  r.groups[id] = std::move(comm);
  return id;
}

void unregisterCommunicator(int group) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  r.groups.erase(group);
}

std::shared_ptr<Communicator> communicatorOf(int group) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  auto it = r.groups.find(group);
  if (it == r.groups.end())
    throw Error("all_reduce: no process group " + std::to_string(group) +
                " in this process (create a dist::ProcessGroup before running a graph that "
                "all-reduces)");
  return it->second;
}

} // namespace duet
