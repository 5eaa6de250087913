// The terminal side of a run (see terminal.hpp): prompts, console options and messages.
#include "terminal.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

#include "core/duration.hpp"
#include "core/exit_status.hpp"
#include "view/console.hpp"
#include "view/github_annotations.hpp"

namespace rollout::cli {

void print_error(const std::string& message) {
  say(stderr, fmt::format("rollout: error: {}\n", message));  // never throws: stderr may be gone
}

void print_untrusted(const std::optional<std::string>& why) {
  if (why) say(stderr, fmt::format("rollout: warning: {} (what follows may not be true)\n", *why));
}

namespace {

// Non-interactive when stdin is not a TTY or CI is set: nothing ever prompts.
bool interactive() {
  const char* ci = std::getenv("CI");
  if (ci && *ci && std::string(ci) != "false" && std::string(ci) != "0") return false;
  return ::isatty(0) == 1;
}

bool ask_yes(const std::string& question) {
  fmt::print(stderr, "{} [y/N] ", question);
  std::fflush(stderr);
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == "y" || answer == "Y" || answer == "yes";
}

void print_plan_summary(const runbook::Runbook& book) {
  fmt::print(stderr, "{}{}\n", book.rollout.name,
             book.rollout.description.empty() ? "" : ": " + book.rollout.description);
  Duration total{0};
  for (const auto& s : book.stages) {
    fmt::print(stderr, "  {:<12} {:>3}%  hold {:<8} {} gate(s){}\n", s.name, s.weight,
               format_duration(s.hold), s.gates.size(),
               s.advance == runbook::AdvanceMode::manual ? ", manual advance" : "");
    total += s.hold;
  }
  fmt::print(stderr, "  total hold {}; rollback: {} step(s) within {}\n", format_duration(total),
             book.rollback.steps.empty() ? 1 : book.rollback.steps.size(),
             format_duration(book.rollback.budget));
}

ConsoleOptions console_options(const GlobalOptions& g) {
  ConsoleOptions o;
  o.json = g.json();
  o.color = !g.no_color && ::isatty(1) == 1 && !std::getenv("NO_COLOR");
  o.live = !g.json() && ::isatty(1) == 1;
  o.quiet = g.quiet;
  o.verbose = g.verbose;
  return o;
}

}  // namespace

session::Hooks terminal_hooks(const GlobalOptions& g, bool yes) {
  session::Hooks h;
  h.interactive = interactive();
  h.diagnostic = [](const std::string& line) { say(stderr, line + "\n"); };
  h.warning = [](const std::string& line) {
    say(stderr, fmt::format("rollout: warning: {}\n", line));
  };
  h.progress = [quiet = g.quiet](const std::string& line, bool always) {
    if (always || !quiet) say(stderr, line + "\n");
  };
  if (!yes)
    h.confirm = [](const runbook::Runbook& book) {
      print_plan_summary(book);
      return ask_yes("Start this rollout?");
    };
  h.sinks = [&g](const runbook::Runbook& book) {
    std::vector<std::unique_ptr<EventSink>> sinks;
    sinks.push_back(make_console(console_options(g), book, stdout, stderr));
    sinks.push_back(make_github_annotations(g.json() ? stderr : stdout));
    return sinks;
  };
  return h;
}

int exit_code_of(const Result<session::Ended>& result) {
  if (!result) {
    // An empty message: the loader's diagnostics have said what is wrong.
    if (!result.error().message.empty()) print_error(result.error().message);
    return to_int(exit_code_for(result.error().kind));
  }
  const session::Ended& ended = *result;
  if (!ended.started) {
    say(stderr, "not started\n");
    return to_int(ExitCode::ok);
  }
  if (!ended.unrecorded_end.empty()) print_error(ended.unrecorded_end);
  if (!ended.report_error.empty())
    say(stderr, fmt::format("rollout: warning: {}\n", ended.report_error));
  if (!ended.undone.empty()) {
    say(stderr, "rollout: error: the rollback is incomplete; a person must act. Still to do:\n");
    for (const auto& u : ended.undone) say(stderr, fmt::format("  - {}\n", u));
    say(stderr,
        fmt::format("Fix the cause, then `rollout abort {}` retries what is left.\n", ended.name));
  }
  return to_int(ended.code);
}

}  // namespace rollout::cli
