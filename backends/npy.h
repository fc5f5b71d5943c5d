//===- backends/npy.h - NumPy .npy files ------------------------*- C++ -*-===//
//
// Reads and writes single arrays in NumPy's .npy format (versions 1.0, 2.0
// and 3.0), so inputs and outputs can be exchanged with Python.
//
#pragma once

#include "backends/buffer.h"

#include <cstdint>
#include <span>
#include <string>

namespace duet {

/// Reads a C-ordered little-endian array. Accepted dtypes: <f4 (f32), <f8
/// (f64), <i8 (i64), <i4 (widened to i64), |b1 (bool). Throws duet::Error
/// naming the file and the problem: missing file, bad magic, unsupported
/// version, malformed header, unsupported or big-endian dtype, Fortran
/// order, data shorter or longer than the header says. `fileType`, when
/// given, gets the array's type as the file has it ("i32[2,3]" for a widened
/// <i4 array), for messages.
Buffer readNpy(const std::string &path, std::string *fileType = nullptr);
/// The same from bytes already in memory (what readNpy does after reading
/// the file); `name` stands for the file in messages.
Buffer parseNpy(std::span<const uint8_t> bytes, const std::string &name,
                std::string *fileType = nullptr);

/// Writes `buffer` as a version 1.0 file (2.0 if the header would not fit).
/// Throws duet::Error naming the file when it cannot be written.
void writeNpy(const std::string &path, const Buffer &buffer);

} // namespace duet
