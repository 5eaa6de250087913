// What start, resume, advance and abort share at the terminal: the session's hooks (the
// console, the prompt, the messages) and printing how a run ended. The run itself is
// lib/session/; this file only asks and prints.
#pragma once

#include <optional>
#include <string>

#include "cli.hpp"
#include "core/result.hpp"
#include "session/session.hpp"

namespace rollout::cli {

void print_error(const std::string& message);
// status and report show a state others may write, after this one line (when `why` is set).
void print_untrusted(const std::optional<std::string>& why);

// The terminal as the session sees it: console and annotations as subscribers, the
// confirmation prompt (unless `yes`), diagnostics, warnings and progress on stderr.
session::Hooks terminal_hooks(const GlobalOptions& g, bool yes = false);

// Prints what the run's end says (or its error) and returns the exit code.
int exit_code_of(const Result<session::Ended>& ended);

}  // namespace rollout::cli
