// The exit codes of every rollout command, documented in rollout(1) EXIT STATUS.
#pragma once

namespace rollout {

enum class ExitCode : int {
  ok = 0,               // done: completed, or the command succeeded
  rolled_back = 1,      // rolled back after a breach or a failed step; rollback succeeded
  usage = 2,            // usage error or invalid runbook; nothing was touched
  aborted = 3,          // aborted by an operator; rollback succeeded
  locked = 4,           // another process holds the rollout's lock
  paused = 5,           // waiting for a manual advance, or paused by on_breach = "pause"
  rollback_failed = 6,  // rollback failed or incomplete: a person must act
  interrupted = 130,    // interrupted; state saved, `rollout resume` continues
};

inline int to_int(ExitCode code) {
  return static_cast<int>(code);
}

}  // namespace rollout
