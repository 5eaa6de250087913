// `rollout resume [NAME]`: continue after a crash, Ctrl-C or pause, from the journal.
#include "cli.hpp"
#include "terminal.hpp"

namespace rollout::cli {

void add_resume(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  auto* cmd = app.add_subcommand("resume", "Continue a rollout after a crash, Ctrl-C or pause");
  auto name = std::make_shared<std::string>();
  cmd->add_option("name", *name, "The rollout (may be left out when there is only one)");
  cmd->callback([&g, &exit_code, name] {
    session::Request r;
    r.mode = session::Request::Mode::resume;
    r.name = *name;
    r.verb = "resume";
    exit_code = exit_code_of(session::run(g.state_dir, r, terminal_hooks(g)));
  });
}

}  // namespace rollout::cli
