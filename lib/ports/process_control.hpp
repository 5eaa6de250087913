// Running and killing processes: `run` and `kill` steps, the exec router and sources.
#pragma once

#include <optional>
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

// A background process (a `run` step with background = true): started, not waited for.
struct BackgroundProcess {
  int handle = 0;  // what poll and stop know it by
  int pid = 0;     // 0: nothing was started (a rehearsal)
  int pgid = 0;    // its own process group (== pid), signalled as a whole
};

struct BackgroundExit {
  int exit_code = -1;  // -1 when ended by a signal (or not known)
  int signal = 0;      // the signal that ended it, if any
  std::string output;  // the tail of stdout+stderr, secrets redacted
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

  // Background processes. start runs the step like run() (argv; /bin/sh -c only for
  // shell) in a process group of its own and returns at once; an Error when it could not
  // be started.
  virtual Result<BackgroundProcess> start(const runbook::RunStep& step) = 0;
  // nullopt while it runs; its exit once it has ended.
  virtual std::optional<BackgroundExit> poll(const BackgroundProcess& process) = 0;
  // SIGTERM to its process group, `grace`, then SIGKILL; returns when the group is gone,
  // or after a bounded wait past the SIGKILL. On a process that already exited, ends what
  // is left of its group.
  virtual BackgroundExit stop(const BackgroundProcess& process, Duration grace) = 0;
  // A group an earlier rollout process started (resume after a crash): stopped the same
  // way if it still runs; true when it did. Never this process's own group, nor pgid <= 1.
  virtual bool stop_leftover(int pgid, Duration grace) = 0;
};

}  // namespace rollout
