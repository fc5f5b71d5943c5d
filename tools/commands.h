//===- tools/commands.h - the subcommands of `duet` -------------*- C++ -*-===//
//
// Each subcommand lives in its own <name>_command.cpp and registers itself on
// the app through one add<Name>Command function; main.cpp calls them in
// order. A command's callback throws duet::Error for user errors (main prints
// `duet: error: ...`) and CLI::RuntimeError(code) to exit with a code.
//
#pragma once

namespace CLI {
class App;
} // namespace CLI

namespace duet::cli {

void addRunCommand(CLI::App &app);
void addDumpCommand(CLI::App &app);
void addTuneCommand(CLI::App &app);
void addLaunchCommand(CLI::App &app);
void addImportCommand(CLI::App &app);

} // namespace duet::cli
