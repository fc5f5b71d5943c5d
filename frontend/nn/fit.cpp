//===- frontend/nn/fit.cpp - the training loop ----------------------------===//
#include "frontend/nn/fit.h"

#include "frontend/nn/checkpoint.h"
#include "ir/error.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fmt/format.h>
#include <iostream>
#include <unistd.h>

namespace duet::nn {

namespace {
std::string bar(int64_t done, int64_t total, int64_t width = 20) {
  int64_t fill = total > 0 ? std::clamp<int64_t>(done * width / total, 0, width) : width;
  std::string out;
  out.reserve(size_t(width) + 2);
  out += '[';
  for (int64_t i = 0; i < width; ++i)
    out += i < fill ? '#' : '.';
  out += ']';
  return out;
}
} // namespace

std::vector<EpochStats> fit(Trainer &trainer, data::DataLoader &train, const FitOptions &given) {
  // Data parallel: one voice. Only rank 0 prints progress and writes checkpoints.
  FitOptions opts = given;
  if (trainer.distributed() && trainer.distributed()->rank() != 0) {
    opts.log = nullptr;
    opts.checkpoint.clear();
  }
  bool tty = opts.tty.value_or(opts.log && isatty(fileno(stdout)) && opts.log == &std::cout);
  std::vector<EpochStats> all;
  for (int64_t e = 0; e < opts.epochs; ++e) {
    if (opts.schedule)
      trainer.optimizer().setLr(opts.schedule(e));
    EpochStats st;
    st.epoch = e + 1;
    st.lr = trainer.optimizer().lr();
    auto t0 = std::chrono::steady_clock::now();
    train.reset();
    data::Batch batch;
    int64_t batches = 0, samples = 0, correct = 0;
    double lossSum = 0;
    bool classification = true;
    int64_t nb = train.numBatches();
    while (train.next(batch)) {
      StepResult r = trainer.step(batch.x, batch.y);
      lossSum += r.loss;
      ++batches;
      samples += r.count;
      if (r.correct < 0)
        classification = false;
      else
        correct += r.correct;
      st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (tty && opts.log)
        *opts.log << fmt::format("\repoch {} {} {}/{} loss {:.4f} acc {:.3f} {:.0f} samples/s",
                                 st.epoch, bar(batches, nb), batches, nb, lossSum / batches,
                                 classification ? double(correct) / samples : 0.0,
                                 samples / std::max(st.seconds, 1e-9))
                  << std::flush;
    }
    if (batches == 0)
      throw Error("fit: the data loader yielded no batch (batch size larger than the data set "
                  "with drop_last?)");
    st.loss = lossSum / double(batches);
    st.accuracy = classification ? double(correct) / double(samples) : -1;
    st.samplesPerSecond = double(samples) / std::max(st.seconds, 1e-9);
    if (opts.log) {
      if (tty)
        *opts.log << "\r";
      *opts.log << fmt::format("epoch {}/{}: loss {:.4f}", st.epoch, opts.epochs, st.loss);
      if (classification)
        *opts.log << fmt::format(" accuracy {:.4f}", st.accuracy);
      *opts.log << fmt::format(" lr {:.3g} {:.2f}s {:.0f} samples/s\n", st.lr, st.seconds,
                               st.samplesPerSecond);
    }
    if (!opts.checkpoint.empty())
      saveSafetensors(opts.checkpoint, trainer.modelState());
    all.push_back(st);
  }
  return all;
}

double evaluateAccuracy(Trainer &trainer, const data::Dataset &test, int64_t batch) {
  data::DataLoader dl(test, {batch, false, 0, false});
  data::Batch b;
  int64_t correct = 0, n = 0;
  while (dl.next(b)) {
    Buffer out = trainer.predict(b.x);
    if (out.shape().size() != 2 || b.y.dtype() != DType::I64)
      throw Error("evaluateAccuracy: needs [N,C] outputs and i64 labels, got " + out.type().str() +
                  " and " + b.y.type().str());
    int64_t c = out.shape()[1];
    for (int64_t i = 0; i < b.size(); ++i) {
      int64_t best = 0;
      for (int64_t k = 1; k < c; ++k)
        if (out.at(i * c + k) > out.at(i * c + best))
          best = k;
      correct += best == b.y.data<int64_t>()[i];
      ++n;
    }
  }
  return n ? double(correct) / double(n) : 0.0;
}

} // namespace duet::nn
