// `rollout advance [NAME]`: skip the rest of the hold / pass a manual gate. Asks the
// running process; with none, continues the rollout in this terminal.
#include "cli.hpp"
#include "state/file_control.hpp"
#include "terminal.hpp"

namespace rollout::cli {

void add_advance(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  auto* cmd =
      app.add_subcommand("advance", "Skip the rest of the current hold / pass a manual gate");
  auto name = std::make_shared<std::string>();
  cmd->add_option("name", *name, "The rollout (may be left out when there is only one)");
  cmd->callback([&g, &exit_code, name] {
    exit_code = exit_code_of(session::send(
        g.state_dir, *name, ControlRequest{ControlRequest::Kind::advance, state::whoami(), ""},
        terminal_hooks(g)));
  });
}

}  // namespace rollout::cli
