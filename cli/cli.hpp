// What every subcommand of the rollout binary shares: the global options and the
// signature of the function that adds a subcommand. One file per subcommand (cmd_*.cpp).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace rollout::cli {

struct GlobalOptions {
  std::string state_dir;        // --state-dir, ROLLOUT_STATE_DIR, default ./.rollout
  std::string output = "text";  // text | json
  bool no_color = false;        // --no-color or NO_COLOR
  bool quiet = false;
  int verbose = 0;
  bool json() const { return output == "json"; }
};

// Each adds its subcommand to `app`; its callback sets `exit_code` (an ExitCode value).
void add_validate(CLI::App& app, const GlobalOptions& g, int& exit_code);
void add_plan(CLI::App& app, const GlobalOptions& g, int& exit_code);
void add_start(CLI::App& app, const GlobalOptions& g, int& exit_code);
void add_advance(CLI::App& app, const GlobalOptions& g, int& exit_code);
void add_abort(CLI::App& app, const GlobalOptions& g, int& exit_code);
void add_status(CLI::App& app, const GlobalOptions& g, int& exit_code);
void add_resume(CLI::App& app, const GlobalOptions& g, int& exit_code);
void add_report(CLI::App& app, const GlobalOptions& g, int& exit_code);

}  // namespace rollout::cli
