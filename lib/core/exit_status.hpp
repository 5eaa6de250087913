// The exit codes of every rollout command, documented in rollout(1) EXIT STATUS, and the
// one table from an Error's kind to the code it exits with.
#pragma once

#include "core/result.hpp"

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

// An internal error exits 6, not 2: it can stop a run half-way (traffic shifted, the end
// not recorded), so "nothing was touched" would not be true and a person must look.
constexpr ExitCode exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::usage:
    case ErrorKind::refused:
    case ErrorKind::io:
      return ExitCode::usage;
    case ErrorKind::locked:
      return ExitCode::locked;
    case ErrorKind::uncertain:
    case ErrorKind::internal:
      return ExitCode::rollback_failed;
  }
  return ExitCode::rollback_failed;
}

}  // namespace rollout
