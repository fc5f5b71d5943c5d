//===- tools/launch_command.cpp - `duet launch` ---------------------------===//
//
//   duet launch -n N [--port P] [--master-addr A] -- CMD ARGS...
//
// Starts N local ranks of a data-parallel job (tools/rank_processes.h) with
// PyTorch's environment (RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE,
// MASTER_ADDR, MASTER_PORT; threads per rank: cores / N unless
// DUET_NUM_THREADS / OMP_NUM_THREADS are set), prefixes their output with "[rank K] ", and
// when one rank fails stops the others and exits non-zero naming it.
//
#include "tools/commands.h"
#include "tools/flag_checks.h"
#include "tools/rank_processes.h"

#include "ir/error.h"

#include <CLI/CLI.hpp>

#include <memory>

namespace duet::cli {

void addLaunchCommand(CLI::App &app) {
  auto opts = std::make_shared<LaunchOptions>();
  CLI::App *sub = app.add_subcommand(
      "launch", "Start N local ranks of a data-parallel job (PyTorch's RANK, WORLD_SIZE, "
                "MASTER_ADDR, MASTER_PORT); stop them all if one fails.");
  sub->add_option("-n,--nproc", opts->ranks, "Number of ranks to start")
      ->required()
      ->check(integerInRange(1, 1024));
  sub->add_option("--port", opts->port, "MASTER_PORT for the rendezvous (0: pick a free port)")
      ->capture_default_str()
      ->check(integerInRange(0, 65535));
  sub->add_option("--master-addr", opts->masterAddr, "MASTER_ADDR (this machine)")
      ->capture_default_str();
  sub->add_option("--grace", opts->graceSeconds,
                  "Seconds the other ranks get to exit after SIGTERM before SIGKILL")
      ->capture_default_str()
      ->check(positive());
  sub->add_option("command", opts->command, "The program of every rank and its arguments")
      ->required();
  sub->footer("Example:\n  duet launch -n 2 -- build/bin/train_fashion_mnist --epochs 1\n"
              "Put the rank's command after '--' so that its flags are not read as launch's.");
  sub->callback([opts] {
    int code = launchRanks(*opts);
    if (code != 0)
      throw CLI::RuntimeError(code);
  });
}

} // namespace duet::cli
