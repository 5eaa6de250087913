// rollout: progressive delivery from the operator's terminal. This file only parses the
// command line and maps failures to exit codes; the work lives in lib/ (a run: lib/session/).
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "cli.hpp"
#include "core/exit_status.hpp"
#include "core/suggest.hpp"

namespace {

const std::vector<std::string> kCommands = {"validate", "plan",   "start",  "advance",
                                            "abort",    "status", "resume", "report"};

// CLI11 says "unexpected argument"; a user who typed `rollout staus` wants a suggestion.
bool reject_unknown_command(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--state-dir" || arg == "--output") {
      ++i;
      continue;
    }
    if (arg.empty() || arg[0] == '-') continue;
    for (const auto& c : kCommands)
      if (arg == c) return false;
    fmt::print(stderr, "rollout: error: unknown command '{}'{}\n", arg,
               rollout::did_you_mean(arg, kCommands));
    fmt::print(stderr, "Run 'rollout --help' for the list of commands.\n");
    return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  using rollout::ExitCode;
  using rollout::to_int;
  rollout::cli::GlobalOptions g;
  if (const char* dir = std::getenv("ROLLOUT_STATE_DIR"); dir && *dir) g.state_dir = dir;
  if (g.state_dir.empty()) g.state_dir = ".rollout";
  if (const char* nc = std::getenv("NO_COLOR"); nc && *nc) g.no_color = true;

  CLI::App app{"rollout: take a service to a new version in guarded stages", "rollout"};
  app.fallthrough();  // global options are accepted after the subcommand too
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("rollout ") + ROLLOUT_VERSION);
  app.add_option("--state-dir", g.state_dir, "State directory (env ROLLOUT_STATE_DIR)")
      ->default_str(".rollout");
  app.add_option("--output", g.output, "text or json (one JSON event a line)")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_flag("--no-color", g.no_color, "No colour (also NO_COLOR)");
  app.add_flag("-q,--quiet", g.quiet, "Only errors and the outcome");
  app.add_flag("-v,--verbose", g.verbose, "More detail (repeat for more)");
  app.footer(
      "Exit codes: 0 done, 1 rolled back, 2 usage/invalid runbook, 3 aborted, 4 locked,\n"
      "5 paused, 6 a person must act (rollback failed or incomplete, or the journal or the\n"
      "lock cannot be trusted), 130 interrupted.\n"
      "See rollout(1) and rollout-runbook(5).");

  int exit_code = to_int(ExitCode::ok);
  rollout::cli::add_validate(app, g, exit_code);
  rollout::cli::add_plan(app, g, exit_code);
  rollout::cli::add_start(app, g, exit_code);
  rollout::cli::add_advance(app, g, exit_code);
  rollout::cli::add_abort(app, g, exit_code);
  rollout::cli::add_status(app, g, exit_code);
  rollout::cli::add_resume(app, g, exit_code);
  rollout::cli::add_report(app, g, exit_code);

  if (reject_unknown_command(argc, argv)) return to_int(ExitCode::usage);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "rollout: error: {}\n", e.what());
    return to_int(ExitCode::usage);
  } catch (const std::exception& e) {
    // The library reports failures as values; reaching here is a bug or an OS failure: an
    // internal error. It exits 6 (exit_code_for(ErrorKind::internal)), not 2: it may have
    // stopped a run half-way, traffic shifted and its end not recorded, so "nothing was
    // touched" cannot be promised and a person must look (rollout(1), EXIT STATUS).
    fmt::print(stderr, "rollout: error: internal error: {}\n", e.what());
    return to_int(rollout::exit_code_for(rollout::ErrorKind::internal));
  } catch (...) {
    fmt::print(stderr, "rollout: error: internal error (an unknown exception)\n");
    return to_int(rollout::exit_code_for(rollout::ErrorKind::internal));
  }
  return exit_code;
}
