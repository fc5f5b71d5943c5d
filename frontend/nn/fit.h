//===- frontend/nn/fit.h - the training loop --------------------*- C++ -*-===//
//
// Epochs over a DataLoader with a Trainer, a progress line (epoch, batch,
// loss, accuracy, samples/s; redrawn in place on a terminal, one plain line
// per epoch otherwise), evaluation and optional checkpoints. In a
// data-parallel job (TrainerOptions::distributed) only rank 0 logs and
// writes checkpoints; give every rank a loader sharded for it.
//
#pragma once

#include "frontend/data/dataset.h"
#include "frontend/nn/trainer.h"

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace duet::nn {

struct EpochStats {
  int64_t epoch = 0;    // 1-based
  double loss = 0;      // mean over batches
  double accuracy = -1; // training accuracy; -1 when not classification
  double seconds = 0;
  double samplesPerSecond = 0;
  double lr = 0;
};

struct FitOptions {
  int64_t epochs = 1;
  /// Learning rate per epoch (0-based); unset: the optimizer's own.
  optim::LrSchedule schedule;
  /// Progress output; null: silent.
  std::ostream *log = nullptr;
  /// Redraw the progress line in place (default: when log is a terminal).
  std::optional<bool> tty;
  /// Write the model state here (safetensors) after every epoch; "" : never.
  std::string checkpoint;
};

std::vector<EpochStats> fit(Trainer &trainer, data::DataLoader &train, const FitOptions &opts);

/// Accuracy of argmax(predict(x)) against i64 labels, in batches of `batch`.
double evaluateAccuracy(Trainer &trainer, const data::Dataset &test, int64_t batch = 256);

} // namespace duet::nn
