//===- tools/main.cpp - the `duet` command-line program -------------------===//
//
// Exit codes: 0 success, 1 an error of the work itself (a bad graph file, a
// failed run), 2 a usage error (unknown command or flag, a bad flag value).
//
#include "tools/commands.h"
#include "tools/version_info.h"

#include "ir/error.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>

namespace {

constexpr int kUsageError = 2;

/// CLI11's message, then where to look for the right spelling.
std::string failureMessage(const CLI::App *app, const CLI::Error &e) {
  std::string help = "duet --help";
  for (const CLI::App *sub : app->get_subcommands())
    help = "duet " + sub->get_name() + " --help";
  return "duet: error: " + std::string(e.what()) + "\nRun '" + help +
         "' for more information.\n";
}

const CLI::App *findCommand(const CLI::App &app, const std::string &name) {
  for (const CLI::App *sub : app.get_subcommands([](const CLI::App *) { return true; }))
    if (sub->check_name(name))
      return sub;
  return nullptr;
}

std::string commandNames(const CLI::App &app) {
  std::string names;
  for (const CLI::App *sub : app.get_subcommands([](const CLI::App *) { return true; }))
    names += (names.empty() ? "" : ", ") + sub->get_name();
  return names;
}

int unknownCommand(const CLI::App &app, const std::string &name) {
  std::cerr << "duet: error: unknown command '" << name << "' (commands: " << commandNames(app)
            << ")\nRun 'duet --help' for more information.\n";
  return kUsageError;
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"duet: a lazy expression-graph compiler that splits work between a pure Eigen "
               "interpreter and LibTorch.",
               "duet"};
  app.set_version_flag("--version", [] { return duet::cli::versionText(); });
  app.footer("Examples:\n"
             "  duet run examples/mlp.duet --stats\n"
             "  duet dump examples/cnn.duet --explain\n"
             "  duet help run\n"
             "Run 'duet COMMAND --help' (or 'duet help COMMAND') for the options of a command.\n"
             "Exit codes: 0 success, 1 error, 2 usage error.");
  app.failure_message(failureMessage);
  // -v is DUET_DEBUG=1 (a line per pass: name, time, changed), -vv DUET_DEBUG=2
  // (the graph after every pass), on stderr; before or after the command.
  app.add_flag_function(
         "-v,--verbose",
         [](std::int64_t count) {
           setenv("DUET_DEBUG", std::to_string(std::min<std::int64_t>(count, 3)).c_str(), 1);
         },
         "Report each compiler pass on stderr (-vv: also print the graph after it); the same as "
         "DUET_DEBUG=1 / 2")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.fallthrough(); // -v after the command's name works too

  // The subcommands, one file each.
  duet::cli::addRunCommand(app);
  duet::cli::addDumpCommand(app);
  duet::cli::addTuneCommand(app);
  duet::cli::addLaunchCommand(app);
  duet::cli::addImportCommand(app);

  const CLI::App &constApp = app;
  if (argc < 2) { // no command: the usage, as a usage error
    std::cerr << app.help();
    return kUsageError;
  }
  const std::string first = argv[1];
  if (first == "help") {
    if (argc == 2) {
      std::cout << app.help();
      return 0;
    }
    const CLI::App *sub = findCommand(constApp, argv[2]);
    if (!sub)
      return unknownCommand(constApp, argv[2]);
    std::cout << sub->help();
    return 0;
  }
  // CLI11 would only say "A subcommand is required" for a misspelled one.
  if (first[0] != '-' && !findCommand(constApp, first))
    return unknownCommand(constApp, first);
  app.require_subcommand(1);

  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError &e) {
    return e.get_exit_code(); // a command's own exit code; it printed why
  } catch (const CLI::ParseError &e) {
    // --help and --version are "errors" with code 0; everything else CLI11
    // rejects is a usage error, whatever its own code.
    int code = app.exit(e);
    return code == 0 ? 0 : kUsageError;
  } catch (const duet::ParseError &e) {
    std::cerr << e.what() << '\n'; // already "file:line:col: error: ..."
    return 1;
  } catch (const duet::OptionError &e) {
    std::cerr << "duet: error: " << e.what() << '\n';
    return kUsageError;
  } catch (const std::exception &e) {
    std::cerr << "duet: error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
