// What start, resume, advance and abort share: loading the runbook, the state directory
// and its lock, choosing the real world or the rehearsal fakes, wiring the console, and
// running the engine to an exit code.
#pragma once

#include <optional>
#include <string>

#include "cli.hpp"
#include "core/exit_status.hpp"
#include "ports/control.hpp"

namespace rollout::cli {

struct DriveRequest {
  enum class Mode { start, resume };
  Mode mode = Mode::start;
  std::string runbook;  // start: the file given
  std::string name;     // resume/advance/abort: NAME (may be empty: the only one)
  bool dry_run = false;
  std::string scenario;                 // --scenario FILE (dry run only)
  bool yes = false;                     // skip the confirmation prompt
  std::string from;                     // --from STAGE
  std::optional<ControlRequest> first;  // advance/abort given to a process with no runner
  const char* verb = "resume";          // for messages: resume | advance | abort
};

// Runs a rollout in this process; returns its exit code. Errors are printed.
int drive(const GlobalOptions& g, const DriveRequest& request);

// Non-interactive when stdin is not a TTY or CI is set: nothing ever prompts.
bool interactive();

// advance/abort from another shell: record the request for the runner and wake it, or,
// with no runner, take the lock and act here.
int request_or_run(const GlobalOptions& g, const std::string& name, ControlRequest request);

void print_error(const std::string& message);

}  // namespace rollout::cli
