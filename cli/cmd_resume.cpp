// `rollout resume [NAME]`: continue after a crash, Ctrl-C or pause, from the journal.
#include "cli.hpp"
#include "run_context.hpp"

namespace rollout::cli {

void add_resume(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  auto* cmd = app.add_subcommand("resume", "Continue a rollout after a crash, Ctrl-C or pause");
  auto name = std::make_shared<std::string>();
  cmd->add_option("name", *name, "The rollout (may be left out when there is only one)");
  cmd->callback([&g, &exit_code, name] {
    DriveRequest d;
    d.mode = DriveRequest::Mode::resume;
    d.name = *name;
    d.verb = "resume";
    exit_code = drive(g, d);
  });
}

}  // namespace rollout::cli
