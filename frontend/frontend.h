//===- frontend/frontend.h - everything a duet user includes ----*- C++ -*-===//
#pragma once

#include "backends/buffer.h"
#include "backends/runtime/compile.h"
#include "backends/runtime/mode_setting.h"
#include "backends/runtime/params.h"
#include "backends/runtime/plan.h"
#include "frontend/autograd.h"
#include "frontend/ops.h"
#include "frontend/program.h"
#include "frontend/tensor.h"
#include "frontend/trace_context.h"
#include "ir/printer.h"
