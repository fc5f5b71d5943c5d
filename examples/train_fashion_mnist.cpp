//===- examples/train_fashion_mnist.cpp - train on Fashion-MNIST ----------===//
//
//   train_fashion_mnist [--epochs N] [--batch B] [--mode pure|torch|auto]
//                       [--limit N] [--model mlp|cnn] [--lr X] [--seed S]
//                       [--data DIR] [--save-graph FILE.duet] [--checkpoint FILE]
//
// Trains on Debian's dataset-fashion-mnist; the whole training step
// (forward, loss, backward, Adam update) is one compiled graph. --limit N
// uses the first N training images (a quick run). The last line printed is
// "test accuracy: 0.xxx". --save-graph writes the training-step graph,
// which `duet dump --format svg FILE.duet` draws.
//
#include "frontend/data/readers.h"
#include "frontend/nn/fit.h"
#include "frontend/nn/layers.h"
#include "backends/runtime/mode_setting.h"
#include "ir/graph.h"
#include "passes/mode.h"

#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <string>

using namespace duet;

namespace {

struct Args {
  int64_t epochs = 3, batch = 64, limit = 0;
  std::string mode, model = "mlp", data = data::kFashionMnistDir, saveGraph, checkpoint;
  double lr = 1e-3;
  uint64_t seed = 0;
};

[[noreturn]] void usage(const std::string &why) {
  std::cerr << "train_fashion_mnist: " << why
            << "\nusage: train_fashion_mnist [--epochs N] [--batch B] [--mode pure|torch|auto] "
               "[--limit N] [--model mlp|cnn] [--lr X] [--seed S] [--data DIR] "
               "[--save-graph FILE] [--checkpoint FILE]\n";
  std::exit(2);
}

Args parse(int argc, char **argv) {
  Args a;
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
    std::cout << fmt::format("Fashion-MNIST: {} training, {} test images; model {}, mode {}\n",
                             train.size(), test.size(), a.model, modeName(*mode));

    nn::TrainerOptions opts;
    opts.compile.mode = *mode;
    opts.seed = a.seed;
    nn::Trainer trainer(makeModel(a.model), nn::crossEntropyLoss,
                        std::make_shared<optim::Adam>(a.lr), opts);
    data::DataLoader loader(train, {a.batch, true, a.seed, true});

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
    std::cout << fmt::format("training step graph: {} nodes as built; compiled: {} "
                             "({} torch regions, {} conversion nodes)\n",
                             step.graph().nodes().size(), parts, regions.size(), conversions);
    if (!a.saveGraph.empty()) {
      step.save(a.saveGraph);
      std::cout << "wrote " << a.saveGraph << " (draw it: duet dump --format svg " << a.saveGraph
                << ")\n";
    }

    nn::FitOptions fo;
    fo.epochs = a.epochs;
    fo.log = &std::cout;
    fo.checkpoint = a.checkpoint;
    nn::fit(trainer, loader, fo);
    double acc = nn::evaluateAccuracy(trainer, test, 500);
    std::cout << fmt::format("test accuracy: {:.3f}\n", acc);
  } catch (const Error &e) {
    std::cerr << "train_fashion_mnist: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
