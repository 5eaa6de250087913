// Running and killing processes: `run` and `kill` steps, the exec router and sources.
#pragma once

#include <string>
#include <vector>

#include "core/duration.hpp"
#include "core/result.hpp"
#include "runbook/model.hpp"

namespace rollout {

struct RunOutcome {
  int exit_code = -1;  // -1 when killed by a signal or timed out
  bool timed_out = false;
  bool cancelled = false;  // a hard stop (second Ctrl-C during rollback)
  std::string output;      // stdout+stderr interleaved, truncated to a few KiB
  Duration elapsed{0};
};

struct KillOutcome {
  std::vector<int> matched;    // pids signalled
  std::vector<int> forced;     // pids that needed SIGKILL after the grace
  std::vector<int> survivors;  // pids still alive at the end (a failure)
  std::string detail;
};

class ProcessControl {
 public:
  virtual ~ProcessControl() = default;
  // Runs argv (or /bin/sh -c shell) with templates already expanded. An Error only when
  // the process could not be started; a non-zero exit is an outcome, not an Error.
  virtual Result<RunOutcome> run(const runbook::RunStep& step) = 0;
  // Signals matching processes, waits `grace`, SIGKILLs what is left, waits until gone.
  // Never signals itself, its parent or pid 1. No match is not an error.
  virtual Result<KillOutcome> kill(const runbook::KillStep& step) = 0;
};

}  // namespace rollout
