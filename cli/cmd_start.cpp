// `rollout start` — placeholder until its issue lands.
#include <fmt/core.h>

#include "cli.hpp"
#include "core/exit_status.hpp"

namespace rollout::cli {

void add_start(CLI::App& app, const GlobalOptions&, int& exit_code) {
  auto* cmd = app.add_subcommand("start", "(not implemented yet)");
  cmd->allow_extras();
  cmd->callback([&exit_code] {
    fmt::print(stderr, "rollout: error: 'start' is not implemented yet\n");
    exit_code = to_int(ExitCode::usage);
  });
}

}  // namespace rollout::cli
