//===- tools/main.cpp - the `duet` command-line program -------------------===//
#include "tools/commands.h"

#include "ir/error.h"

#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

namespace {

/// CLI11's message, then where to look for the right spelling.
std::string failureMessage(const CLI::App *app, const CLI::Error &e) {
  std::string help = "duet --help";
  for (const CLI::App *sub : app->get_subcommands())
    help = "duet " + sub->get_name() + " --help";
  return "duet: error: " + std::string(e.what()) + "\nRun '" + help +
         "' for more information.\n";
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"duet: a lazy expression-graph compiler that splits work between a pure Eigen "
               "interpreter and LibTorch.",
               "duet"};
  app.set_version_flag("--version", "duet 0.1.0");
  app.require_subcommand(1);
  app.footer("Examples:\n"
             "  duet run examples/mlp.duet --stats\n"
             "  duet run model.duet --input x=x.npy --mode auto -o out/\n"
             "Run 'duet COMMAND --help' for the options of a command.");
  app.failure_message(failureMessage);

  // The subcommands, one file each.
  duet::cli::addRunCommand(app);
  duet::cli::addDumpCommand(app);
  duet::cli::addTuneCommand(app);
  duet::cli::addLaunchCommand(app);
  duet::cli::addImportCommand(app);

  // CLI11 would only say "A subcommand is required" for a misspelled one.
  const CLI::App &constApp = app;
  auto commands = constApp.get_subcommands([](const CLI::App *) { return true; });
  std::string names;
  bool known = false;
  for (const CLI::App *sub : commands) {
    names += (names.empty() ? "" : ", ") + sub->get_name();
    known = known || (argc > 1 && sub->check_name(argv[1]));
  }
  if (argc > 1 && argv[1][0] != '-' && !known) {
    std::cerr << "duet: error: unknown command '" << argv[1] << "' (commands: " << names
              << ")\nRun 'duet --help' for more information.\n";
    return 2;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    return app.exit(e);
  } catch (const duet::ParseError &e) {
    std::cerr << e.what() << '\n'; // already "file:line:col: error: ..."
    return 1;
  } catch (const std::exception &e) {
    std::cerr << "duet: error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
