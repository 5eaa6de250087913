// Where things live in the state directory: STATE_DIR/NAME/{state.json, journal.jsonl,
// lock, runbook.toml, control/, reports}. A dry run uses STATE_DIR/NAME.dry-run/ so a
// rehearsal never mixes with (or blocks) the real rollout. Directories 0700, files 0600.
// Nothing there is trusted blindly: a directory or file owned by another user, writable by
// group or others, or (for files) a symbolic link is refused, not used.
#pragma once

#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/state_name.hpp"

namespace rollout::state {

std::string rollout_dir(const std::string& state_dir, const std::string& name,
                        bool dry_run = false);
std::string control_dir(const std::string& rollout_dir);

// Creates the directory (and parents) with mode 0700. An existing one must be this user's
// and not writable by group or others (else an Error naming it); one readable by others is
// tightened to 0700.
Result<void> ensure_private_dir(const std::string& path);

// An Error when `path` (not followed) is a symbolic link, another user's, or writable by
// group or others. A missing path is fine: nothing to trust yet.
Result<void> check_private(const std::string& path);

// check_private on the state directory, the rollout directory and every file rollout
// keeps in it (lock, journal.jsonl, state.json, runbook.toml, scenario.toml, control/).
Result<void> check_rollout_files(const std::string& rollout_dir);

// Rollouts in the state directory (subdirectories holding a journal), sorted.
std::vector<std::string> list_rollouts(const std::string& state_dir);

// NAME given, or the only rollout there (real ones preferred over rehearsals).
Result<std::string> pick_rollout(const std::string& state_dir, const std::string& name);

}  // namespace rollout::state
