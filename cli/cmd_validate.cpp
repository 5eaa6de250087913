// `rollout validate RUNBOOK...`: every problem of every file as FILE:LINE:COL: severity:
// message on stderr (or one JSON document with --output json); exit 2 if any file has an error.
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "core/duration.hpp"
#include "core/exit_status.hpp"
#include "runbook/load.hpp"

namespace rollout::cli {

namespace {

nlohmann::json diagnostic_json(const runbook::Diagnostic& d) {
  nlohmann::json j = {
      {"file", d.file},
      {"severity", d.severity == runbook::Diagnostic::Severity::error ? "error" : "warning"},
      {"message", d.message}};
  j["line"] = d.pos.line > 0 ? nlohmann::json(d.pos.line) : nlohmann::json(nullptr);
  j["col"] = d.pos.col > 0 ? nlohmann::json(d.pos.col) : nlohmann::json(nullptr);
  return j;
}

// "3 stages, 54h of holds" for the OK line.
std::string summary(const runbook::Runbook& book) {
  Duration hold{0};
  for (const auto& s : book.stages) hold += s.hold;
  return fmt::format("{} stage{}, {} of holds", book.stages.size(),
                     book.stages.size() == 1 ? "" : "s", format_duration(hold));
}

}  // namespace

void add_validate(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  auto* cmd = app.add_subcommand("validate", "Check runbooks; errors as FILE:LINE:COL: message");
  static std::vector<std::string> files;
  cmd->add_option("RUNBOOK", files, "Runbook files (TOML)")->required();
  cmd->footer(
      "Exit status: 0 when every file is valid (warnings allowed), 2 otherwise.\n"
      "See rollout-runbook(5) for the format.");
  cmd->callback([&g, &exit_code] {
    bool failed = false;
    nlohmann::json doc = {{"files", nlohmann::json::array()},
                          {"diagnostics", nlohmann::json::array()}};
    for (const auto& file : files) {
      const auto loaded = runbook::load_runbook(file);
      int errors = 0, warnings = 0;
      for (const auto& d : loaded.diagnostics) {
        (d.severity == runbook::Diagnostic::Severity::error ? errors : warnings)++;
        if (g.json())
          doc["diagnostics"].push_back(diagnostic_json(d));
        else
          fmt::print(stderr, "{}\n", d.str());
      }
      if (!loaded.ok()) failed = true;
      if (g.json()) {
        nlohmann::json f = {
            {"file", file}, {"ok", loaded.ok()}, {"errors", errors}, {"warnings", warnings}};
        if (loaded.ok()) f["name"] = loaded.runbook->rollout.name;
        doc["files"].push_back(std::move(f));
      } else if (loaded.ok() && !g.quiet) {
        fmt::print(
            "{}: OK ({}{})\n", file, summary(*loaded.runbook),
            warnings ? fmt::format(", {} warning{}", warnings, warnings == 1 ? "" : "s") : "");
      } else if (!loaded.ok()) {
        fmt::print(
            stderr, "{}: {} error{}{}\n", file, errors, errors == 1 ? "" : "s",
            warnings ? fmt::format(", {} warning{}", warnings, warnings == 1 ? "" : "s") : "");
      }
    }
    if (g.json()) {
      doc["ok"] = !failed;
      fmt::print("{}\n", doc.dump());
    }
    exit_code = to_int(failed ? ExitCode::usage : ExitCode::ok);
  });
}

}  // namespace rollout::cli
