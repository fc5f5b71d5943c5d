//===- examples/train_fashion_mnist.cpp - train on Fashion-MNIST ----------===//
//
//   train_fashion_mnist [--epochs N] [--batch B] [--mode pure|torch|auto]
//                       [--limit N] [--model mlp|cnn] [--lr X] [--seed S]
//                       [--data DIR] [--save-graph FILE.duet] [--checkpoint FILE]
//                       [--rank R --world-size N --master-addr A --master-port P]
//                       [--dist-timeout S] [--bucket-mb M]
//
// Trains on Debian's dataset-fashion-mnist; the whole training step
// (forward, loss, backward, Adam update) is one compiled graph. --limit N
// uses the first N training images (a quick run). The last line printed is
// "test accuracy: 0.xxx". --save-graph writes the training-step graph,
// which `duet dump --format svg FILE.duet` draws.
//
// Data-parallel training: N processes, each training on its slice of every
// batch of B * N samples (--batch B is per rank), gradients averaged by an
// all_reduce in the step graph. The rendezvous flags default to PyTorch's
// environment variables (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT), which
// `duet launch -n N -- train_fashion_mnist ...` sets. Only rank 0 prints.
//
#include "frontend/data/readers.h"
#include "frontend/dist/process_group.h"
#include "frontend/nn/fit.h"
#include "frontend/nn/layers.h"
#include "backends/runtime/mode_setting.h"
#include "ir/graph.h"
#include "passes/mode.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <string>

using namespace duet;

namespace {

/// Where the other ranks' output goes.
std::ostream &nullStream() {
  static std::ostream sink(nullptr);
  return sink;
}

struct Args {
  int64_t epochs = 3, batch = 64, limit = 0;
  std::string mode, model = "mlp", data = data::kFashionMnistDir, saveGraph, checkpoint;
  double lr = 1e-3;
  uint64_t seed = 0;
  RendezvousOptions dist; // from the environment, then the flags
  double bucketMb = 25;
};

[[noreturn]] void usage(const std::string &why) {
  std::cerr << "train_fashion_mnist: " << why
            << "\nusage: train_fashion_mnist [--epochs N] [--batch B] [--mode pure|torch|auto] "
               "[--limit N] [--model mlp|cnn] [--lr X] [--seed S] [--data DIR] "
               "[--save-graph FILE] [--checkpoint FILE] [--rank R] [--world-size N] "
               "[--master-addr A] [--master-port P] [--dist-timeout SECONDS] [--bucket-mb M]\n";
  std::exit(2);
}

Args parse(int argc, char **argv) {
  Args a;
  try {
    a.dist = dist::rendezvousFromEnvironment();
  } catch (const Error &e) {
    usage(e.what());
  }
  for (int i = 1; i < argc; ++i) {
    std::string f = argv[i];
    if (f == "--help" || f == "-h")
      usage("help");
    if (i + 1 >= argc)
      usage("missing value for " + f);
    std::string v = argv[++i];
    try {
      if (f == "--epochs")
        a.epochs = std::stoll(v);
      else if (f == "--batch")
        a.batch = std::stoll(v);
      else if (f == "--limit")
        a.limit = std::stoll(v);
      else if (f == "--mode")
        a.mode = v;
      else if (f == "--model")
        a.model = v;
      else if (f == "--lr")
        a.lr = std::stod(v);
      else if (f == "--seed")
        a.seed = std::stoull(v);
      else if (f == "--data")
        a.data = v;
      else if (f == "--save-graph")
        a.saveGraph = v;
      else if (f == "--checkpoint")
        a.checkpoint = v;
      else if (f == "--rank")
        a.dist.rank = std::stoi(v);
      else if (f == "--world-size")
        a.dist.worldSize = std::stoi(v);
      else if (f == "--master-addr")
        a.dist.masterAddr = v;
      else if (f == "--master-port")
        a.dist.masterPort = std::stoi(v);
      else if (f == "--dist-timeout")
        a.dist.timeout = std::chrono::milliseconds(std::llround(std::stod(v) * 1000));
      else if (f == "--bucket-mb")
        a.bucketMb = std::stod(v);
      else
        usage("unknown flag " + f);
    } catch (const std::logic_error &) {
      usage("bad value '" + v + "' for " + f);
    }
  }
  if (a.epochs < 1 || a.batch < 1 || a.limit < 0)
    usage("--epochs and --batch must be positive, --limit non-negative");
  if (a.model != "mlp" && a.model != "cnn")
    usage("--model must be mlp or cnn");
  if (a.dist.worldSize < 1 || a.dist.rank < 0 || a.dist.rank >= a.dist.worldSize)
    usage("--rank must be in [0, --world-size)");
  if (a.dist.timeout.count() <= 0 || a.bucketMb <= 0)
    usage("--dist-timeout and --bucket-mb must be positive");
  return a;
}

std::shared_ptr<nn::Module> makeModel(const std::string &kind) {
  using namespace duet::nn;
  if (kind == "mlp")
    return std::make_shared<Sequential>(std::vector<std::shared_ptr<Module>>{
        std::make_shared<Linear>(784, 256), std::make_shared<ReLU>(),
        std::make_shared<Linear>(256, 128), std::make_shared<ReLU>(),
        std::make_shared<Linear>(128, 10)});
  // The CNN takes [N,1,28,28]; main reshapes the data for it.
  return std::make_shared<Sequential>(std::vector<std::shared_ptr<Module>>{
      std::make_shared<Conv2d>(1, 16, 3, 1, 1), std::make_shared<BatchNorm2d>(16),
      std::make_shared<ReLU>(), std::make_shared<MaxPool2d>(2),
      std::make_shared<Conv2d>(16, 32, 3, 1, 1), std::make_shared<ReLU>(),
      std::make_shared<MaxPool2d>(2), std::make_shared<Flatten>(),
      std::make_shared<Linear>(32 * 7 * 7, 10)});
}

} // namespace

int main(int argc, char **argv) {
  Args a = parse(argc, argv);
  try {
    // Default: the process-wide mode (DUET_MODE, else auto when torch is built in).
    std::optional<Mode> mode = a.mode.empty() ? currentMode() : parseMode(a.mode);
    if (!mode)
      usage("--mode must be pure, torch or auto");
    data::Dataset train = data::loadFashionMnist(a.data, true);
    data::Dataset test = data::loadFashionMnist(a.data, false);
    if (a.limit > 0)
      train = train.take(a.limit);
    if (a.model == "cnn") {
      train.x = train.x.reshaped({train.size(), 1, 28, 28});
      test.x = test.x.reshaped({test.size(), 1, 28, 28});
    }
    // Joins the other ranks (a world of one: nothing to join).
    dist::ProcessGroup group(a.dist, static_cast<int64_t>(a.bucketMb * (1 << 20)));
    const bool leader = group.rank() == 0;
    std::ostream &out = leader ? std::cout : nullStream();
    out << fmt::format("Fashion-MNIST: {} training, {} test images; model {}, mode {}\n",
                       train.size(), test.size(), a.model, modeName(*mode));
    if (group.worldSize() > 1)
      out << fmt::format("data parallel: {} ranks x batch {} (global batch {}), rendezvous "
                         "{}:{}\n",
                         group.worldSize(), a.batch, a.batch * group.worldSize(),
                         a.dist.masterAddr, a.dist.masterPort);

    nn::TrainerOptions opts;
    opts.compile.mode = *mode;
    opts.seed = a.seed;
    opts.distributed = &group;
    nn::Trainer trainer(makeModel(a.model), nn::crossEntropyLoss,
                        std::make_shared<optim::Adam>(a.lr), opts);
    data::DataLoaderOptions lo{a.batch, true, a.seed, true};
    lo.rank = group.rank();
    lo.worldSize = group.worldSize();
    data::DataLoader loader(train, lo);

    data::Batch first;
    if (!loader.next(first))
      usage("--batch is larger than the training set");
    const Program &step = trainer.stepProgram(first.x.type(), first.y.type());
    // Partition summary: where the compiled training step runs.
    std::map<std::string, int> byBackend;
    std::set<int> regions;
    int conversions = 0;
    for (const Node *n : step.plan().graph().nodes()) {
      if (n->isSource())
        continue;
      ++byBackend[std::string(backendName(n->backend()))];
      if (n->region() >= 0)
        regions.insert(n->region());
      conversions += n->op() == OpKind::ToTorch || n->op() == OpKind::FromTorch;
    }
    std::string parts;
    for (const auto &[name, count] : byBackend)
      parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", count, name);
    out << fmt::format("training step graph: {} nodes as built; compiled: {} "
                       "({} torch regions, {} conversion nodes)\n",
                       step.graph().nodes().size(), parts, regions.size(), conversions);
    if (!a.saveGraph.empty() && leader) {
      step.save(a.saveGraph);
      out << "wrote " << a.saveGraph << " (draw it: duet dump --format svg " << a.saveGraph
          << ")\n";
    }

    nn::FitOptions fo;
    fo.epochs = a.epochs;
    fo.log = &std::cout;
    fo.checkpoint = a.checkpoint;
    CollectiveStats before = group.stats();
    std::vector<nn::EpochStats> epochs = nn::fit(trainer, loader, fo);
    double seconds = 0;
    for (const nn::EpochStats &e : epochs)
      seconds += e.seconds;
    int64_t steps = loader.numBatches() * a.epochs;
    CollectiveStats comm = group.stats();
    double commS = comm.seconds - before.seconds;
    out << fmt::format("time per step: {:.2f} ms", 1e3 * seconds / double(steps));
    if (comm.calls > before.calls)
      out << fmt::format(" (all-reduce {:.2f} ms = {:.1f}% of the step, {} calls of {:.2f} MB)",
                         1e3 * commS / double(steps), 100 * commS / seconds,
                         (comm.calls - before.calls) / steps,
                         double(comm.bytes - before.bytes) / double(comm.calls - before.calls) /
                             (1 << 20));
    out << "\n";
    if (leader) // the replicas are equal: one evaluation says it all
      out << fmt::format("test accuracy: {:.3f}\n", nn::evaluateAccuracy(trainer, test, 500));
  } catch (const Error &e) {
    std::cerr << "train_fashion_mnist: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
