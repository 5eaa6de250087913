// `rollout report [NAME] [--format md|json|junit] [-o FILE]`: the report of a rollout,
// rebuilt from STATE_DIR/NAME/journal.jsonl, so it works during a rollout and after a crash.
#include <cstdio>
#include <fstream>
#include <memory>

#include <fmt/core.h>

#include "cli.hpp"
#include "core/exit_status.hpp"
#include "session/reading.hpp"
#include "terminal.hpp"

namespace rollout::cli {

namespace {

int fail(const std::string& message) {
  print_error(message);
  return to_int(ExitCode::usage);
}

int run_report(const GlobalOptions& g, const std::string& name, std::string format,
               const std::string& out_path) {
  if (format.empty()) format = g.json() ? "json" : "md";
  const report::Format kind = format == "json"    ? report::Format::json
                              : format == "junit" ? report::Format::junit
                                                  : report::Format::markdown;
  auto rebuilt = session::rebuild_report(g.state_dir, name, kind);
  if (!rebuilt) return fail(rebuilt.error().message);
  // Reading moves nothing, so an untrusted state is shown, after a warning (as status does).
  print_untrusted(rebuilt->untrusted);
  if (!g.quiet)
    for (const auto& line : rebuilt->left_out) fmt::print(stderr, "rollout: warning: {}\n", line);
  const std::string& text = rebuilt->text;
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
