// `rollout report [NAME] [--format md|json|junit] [-o FILE]`: the report of a rollout,
// rebuilt from STATE_DIR/NAME/journal.jsonl, so it works during a rollout and after a crash.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include <fmt/core.h>

#include "cli.hpp"
#include "core/exit_status.hpp"
#include "report/report.hpp"
#include "state/layout.hpp"

namespace rollout::cli {

namespace {

namespace fs = std::filesystem;

int fail(const std::string& message) {
  fmt::print(stderr, "rollout: error: {}\n", message);
  return to_int(ExitCode::usage);
}

int run_report(const GlobalOptions& g, std::string name, std::string format,
               const std::string& out_path) {
  if (format.empty()) format = g.json() ? "json" : "md";
  report::Format fmt_kind = format == "json"    ? report::Format::json
                            : format == "junit" ? report::Format::junit
                                                : report::Format::markdown;
  // The same choice as `status`: NAME, or the only rollout there.
  auto picked = state::pick_rollout(g.state_dir, name);
  if (!picked) return fail(picked.error().message);
  name = *picked;
  if (name.find('/') != std::string::npos || name == "." || name == "..")
    return fail(fmt::format("'{}' is not a rollout name", name));

  const std::string journal = (fs::path(g.state_dir) / name / "journal.jsonl").string();
  std::error_code ec;
  if (!fs::exists(journal, ec)) {
    std::string hint;
    auto names = state::list_rollouts(g.state_dir);
    if (!names.empty()) {
      hint = "; rollouts there: ";
      for (std::size_t i = 0; i < names.size(); ++i) hint += (i ? ", " : "") + names[i];
    }
    return fail(fmt::format("no journal for rollout '{}' in {}{}", name, g.state_dir, hint));
  }
  int skipped = 0;
  auto events = report::read_journal(journal, &skipped);
  if (!events) return fail(events.error().message);
  if (skipped > 0 && !g.quiet)
    fmt::print(stderr, "rollout: warning: {} line{} of {} could not be read and {} left out\n",
               skipped, skipped == 1 ? "" : "s", journal, skipped == 1 ? "is" : "are");
  if (events->empty()) return fail(fmt::format("{} holds no events yet", journal));

  const std::string text = report::render(report::build_report(*events), fmt_kind);
  if (out_path.empty() || out_path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return to_int(ExitCode::ok);
  }
  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  if (!out) return fail(fmt::format("cannot write {}", out_path));
  out << text;
  out.close();
  if (!out) return fail(fmt::format("cannot write {}", out_path));
  if (!g.quiet) fmt::print(stderr, "rollout: wrote {}\n", out_path);
  return to_int(ExitCode::ok);
}

}  // namespace

void add_report(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  struct Args {
    std::string name, format, out;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "report", "Report of a rollout from its journal: Markdown, JSON or JUnit XML");
  cmd->add_option("name", args->name,
                  "Rollout name (may be left out when the state directory holds one)");
  cmd->add_option("--format", args->format, "md (default), json, or junit")
      ->check(CLI::IsMember({"md", "markdown", "json", "junit"}));
  cmd->add_option("-o,--out", args->out, "Write to FILE instead of standard output")
      ->option_text("FILE");
  cmd->footer(
      "The report is rebuilt from STATE_DIR/NAME/journal.jsonl, so it works while the rollout\n"
      "runs and after a crash. The same reports are written into STATE_DIR/NAME/ when a\n"
      "rollout ends (report.md, report.json, report.junit.xml).");
  cmd->callback(
      [&g, &exit_code, args] { exit_code = run_report(g, args->name, args->format, args->out); });
}

}  // namespace rollout::cli
