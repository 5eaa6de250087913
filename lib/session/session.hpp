// A rollout run in this process: `start` or `resume` (also the advance/abort that found no
// runner). It opens the rollout's state (lock, journal read once), loads the runbook once
// (a resume: the copy taken at its start), builds the world (real or rehearsal), runs the
// engine and writes the reports. What is terminal-specific comes from the caller through
// Hooks: the library never prompts or prints itself. Failures are Errors whose kind maps
// to the exit code (core/exit_status.hpp).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/exit_status.hpp"
#include "core/result.hpp"
#include "events/event.hpp"
#include "ports/control.hpp"
#include "runbook/model.hpp"

namespace rollout::session {

struct Request {
  enum class Mode { start, resume };
  Mode mode = Mode::start;
  std::string runbook;  // start: the file given
  std::string name;     // resume/advance/abort: NAME (may be empty: the only one)
  bool dry_run = false;
  std::string scenario;                 // --scenario FILE (dry run only)
  std::string from;                     // --from STAGE
  std::optional<ControlRequest> first;  // advance/abort given to a process with no runner
  std::string verb = "resume";          // for messages: resume | advance | abort
};

struct Hooks {
  // May wait for an operator (the CLI: stdin is a TTY and CI is not set). Never in a dry run.
  bool interactive = false;
  // Each line the runbook or scenario loader has to say (errors and warnings), as it says it.
  std::function<void(const std::string&)> diagnostic;
  // Something the operator should know that does not stop the run (one line).
  std::function<void(const std::string&)> warning;
  // What advance/abort are doing while they wait for a runner; `always` lines are shown
  // even when quiet (an outcome, waiting on a rollback already under way).
  std::function<void(const std::string&, bool always)> progress;
  // Asked before a real, interactive start: false leaves it not started. Unset: go on.
  std::function<bool(const runbook::Runbook&)> confirm;
  // The subscribers the terminal wants (console, annotations), made once the runbook is
  // loaded; destroyed as soon as the engine returns, before anything else is reported.
  std::function<std::vector<std::unique_ptr<EventSink>>(const runbook::Runbook&)> sinks;
};

// How a run that got to the engine (or to the prompt) ended.
struct Ended {
  ExitCode code = ExitCode::ok;
  bool started = true;  // false: the operator said no at the prompt (code ok)
  std::string name;     // the rollout's name as commands take it (state_name: NAME.dry-run)
  // Set when the run's end is not in the journal (the code is then 6): what to print.
  std::string unrecorded_end;
  // Set when the reports could not be written (the run's code is unchanged).
  std::string report_error;
  // A failed rollback: what is still to do (a person must act).
  std::vector<std::string> undone;
};

// Runs `request` against the rollouts in `state_dir`.
Result<Ended> run(const std::string& state_dir, const Request& request, const Hooks& hooks);

// advance/abort from another shell: records the request for the runner, wakes it and waits
// for it to take the request (an abort: for the outcome); with no runner, takes the lock
// and acts here (run() with `first` set).
Result<Ended> send(const std::string& state_dir, const std::string& name, ControlRequest request,
                   const Hooks& hooks);

}  // namespace rollout::session
