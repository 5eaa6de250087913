// `rollout abort [NAME] [--reason TEXT]`: roll back now. Asks the running process; with
// none, performs the rollback in this terminal (exit 3 when it succeeds).
#include "cli.hpp"
#include "state/file_control.hpp"
#include "terminal.hpp"

namespace rollout::cli {

void add_abort(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  auto* cmd = app.add_subcommand("abort", "Roll back now");
  auto name = std::make_shared<std::string>();
  auto reason = std::make_shared<std::string>();
  cmd->add_option("name", *name, "The rollout (may be left out when there is only one)");
  cmd->add_option("--reason", *reason, "Why (journal and report)");
  cmd->callback([&g, &exit_code, name, reason] {
    exit_code = exit_code_of(session::send(
        g.state_dir, *name, ControlRequest{ControlRequest::Kind::abort, state::whoami(), *reason},
        terminal_hooks(g)));
  });
}

}  // namespace rollout::cli
