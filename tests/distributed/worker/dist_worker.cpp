//===- tests/distributed/worker/dist_worker.cpp - one rank of a test job --===//
//
//   dist_worker --steps K --batch B --out FILE [--mode pure|torch|auto]
//               [--timeout-ms T] [--fail-rank R --fail-step S --fail-how exit|kill|stop]
//
// Joins the group described by RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT,
// trains disttest::model() for K steps on its shard of batches of B * world
// samples, and writes its final parameters to FILE (safetensors; "{rank}"
// in FILE becomes the rank). The
// --fail-* flags make rank R exit(3), SIGKILL itself or SIGSTOP itself just
// before step S, to test how the others fail.
//
#include "../dist_model.h"
#include "frontend/dist/process_group.h"
#include "frontend/nn/checkpoint.h"
#include "passes/mode.h"

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <unistd.h>

using namespace duet;

int main(int argc, char **argv) {
  int64_t steps = 3, batch = 8, failRank = -1, failStep = -1;
  std::string out, mode = "pure", failHow = "exit";
  RendezvousOptions rv;
  try {
    rv = dist::rendezvousFromEnvironment();
    for (int i = 1; i + 1 < argc; i += 2) {
      std::string f = argv[i], v = argv[i + 1];
      if (f == "--steps")
        steps = std::stoll(v);
      else if (f == "--batch")
        batch = std::stoll(v);
      else if (f == "--out")
        out = v;
      else if (f == "--mode")
        mode = v;
      else if (f == "--timeout-ms")
        rv.timeout = std::chrono::milliseconds(std::stoll(v));
      else if (f == "--fail-rank")
        failRank = std::stoll(v);
      else if (f == "--fail-step")
        failStep = std::stoll(v);
      else if (f == "--fail-how")
        failHow = v;
      else
        throw Error("unknown flag " + f);
    }
    dist::ProcessGroup group(rv);
    std::cout << "rank " << group.rank() << " of " << group.worldSize() << " joined" << std::endl;
    nn::TrainerOptions opts;
    opts.compile.mode = *parseMode(mode);
    opts.seed = disttest::kSeed + static_cast<uint64_t>(group.rank()); // rank 0's wins
    opts.distributed = &group;
    nn::Trainer trainer(disttest::model(), nn::crossEntropyLoss, disttest::optimizer(), opts);
    data::Dataset train = disttest::dataset();
    data::DataLoader loader(train,
                            disttest::loaderOptions(batch, group.rank(), group.worldSize()));
    data::Batch b;
    for (int64_t s = 0; s < steps; ++s) {
      if (group.rank() == failRank && s == failStep) {
        std::cerr << "rank " << failRank << ": failing on purpose (" << failHow << ")"
                  << std::endl;
        if (failHow == "kill")
          std::raise(SIGKILL);
        if (failHow == "stop")
          std::raise(SIGSTOP);
        std::_Exit(3);
      }
      if (!loader.next(b)) {
        loader.reset();
        loader.next(b);
      }
      nn::StepResult r = trainer.step(b.x, b.y);
      std::cout << "step " << s << " loss " << r.loss << std::endl;
    }
    if (size_t at = out.find("{rank}"); at != std::string::npos)
      out.replace(at, 6, std::to_string(group.rank()));
    if (!out.empty())
      nn::saveSafetensors(out, trainer.modelState());
    std::cout << "done" << std::endl;
  } catch (const std::exception &e) {
    std::cerr << std::string("dist_worker: ") + e.what() + "\n" << std::flush; // one write
    std::_Exit(1); // no slow teardown of a broken process group
  }
  return 0;
}
