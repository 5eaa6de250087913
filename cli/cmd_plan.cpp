// `rollout plan RUNBOOK`: every step start would run, resolved and timed, as text or as one
// JSON document (--output json). Touches nothing; `--check` runs start's preflight instead
// (router answers and reads 100/0, every query accepted, stable healthy), which only reads.
#include <cstdio>
#include <string>

#include <fmt/core.h>

#include "cli.hpp"
#include "core/exit_status.hpp"
#include "runbook/load.hpp"
#include "runbook/plan.hpp"
#include "session/world.hpp"
#include "terminal.hpp"

namespace rollout::cli {

namespace {

// The preflight alone: the real world, each provider asked whether it answers.
int run_check(const GlobalOptions& g, const runbook::Runbook& book, const Expander& ex) {
  auto world = session::World::make(book, ex, false);
  if (!world) {
    print_error(world.error().message);
    return to_int(ExitCode::usage);
  }
  const auto result = world->preflight();
  if (g.json()) {
    fmt::print("{}\n", result.to_json().dump(2));
  } else {
    for (const auto& c : result.checks)
      fmt::print("{} {}: {}\n", c.ok ? "ok  " : "FAIL", c.what, c.detail);
    fmt::print("{}\n", result.summary());
  }
  return to_int(result.ok ? ExitCode::ok : ExitCode::usage);
}

}  // namespace

void add_plan(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  auto* cmd = app.add_subcommand("plan", "Print every step that start would run, with timings");
  static std::string file;
  static bool check = false;
  cmd->add_option("RUNBOOK", file, "Runbook file (TOML)")->required();
  cmd->add_flag("--check", check,
                "Run the preflight instead of printing the plan (router, queries, health)");
  cmd->footer(
      "Exit status: 0 when the plan was printed (or every --check passed), 2 when the runbook\n"
      "is invalid or a preflight check failed.\n"
      "Templates are resolved; values read from ${env.X} print as ***.");
  cmd->callback([&g, &exit_code] {
    runbook::LoadOptions options;
    options.require_env = check;  // the preflight needs what start needs
    const auto loaded = runbook::load_runbook(file, options);
    for (const auto& d : loaded.diagnostics) fmt::print(stderr, "{}\n", d.str());
    if (!loaded.ok()) {
      exit_code = to_int(ExitCode::usage);
      return;
    }
    const auto& book = *loaded.runbook;
    const auto ex = runbook::make_expander(book);
    if (check) {
      exit_code = run_check(g, book, ex);
      return;
    }
    if (g.json())
      fmt::print("{}\n", runbook::plan_json(book, ex).dump(2));
    else
      fmt::print("{}", runbook::plan_text(book, ex));
    exit_code = to_int(ExitCode::ok);
  });
}

}  // namespace rollout::cli
