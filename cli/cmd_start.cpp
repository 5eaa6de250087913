// `rollout start RUNBOOK [--dry-run] [--scenario FILE] [--yes] [--from STAGE]`
#include "cli.hpp"
#include "terminal.hpp"

namespace rollout::cli {

void add_start(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  auto* cmd = app.add_subcommand("start", "Start a rollout (or rehearse it with --dry-run)");
  auto req = std::make_shared<session::Request>();
  auto yes = std::make_shared<bool>(false);
  cmd->add_option("runbook", req->runbook, "The runbook (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_flag("--dry-run", req->dry_run,
                "Rehearse on a virtual clock; touches nothing (state in STATE_DIR/NAME.dry-run)");
  cmd->add_option("--scenario", req->scenario, "Script metric values over time (dry run)")
      ->check(CLI::ExistingFile);
  cmd->add_flag("-y,--yes", *yes, "Do not ask for confirmation");
  cmd->add_option("--from", req->from, "Pick up at this stage (the split may already be shifted)");
  cmd->callback([&g, &exit_code, req, yes] {
    req->mode = session::Request::Mode::start;
    exit_code = exit_code_of(session::run(g.state_dir, *req, terminal_hooks(g, *yes)));
  });
}

}  // namespace rollout::cli
