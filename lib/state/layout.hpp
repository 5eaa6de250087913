// Where things live in the state directory: STATE_DIR/NAME/{state.json, journal.jsonl,
// lock, runbook.toml, control/, reports}. A dry run uses STATE_DIR/NAME.dry-run/ so a
// rehearsal never mixes with (or blocks) the real rollout. Directories 0700, files 0600.
#pragma once

#include <string>
#include <vector>

#include "core/result.hpp"

namespace rollout::state {

inline constexpr const char* kDryRunSuffix = ".dry-run";

std::string rollout_dir(const std::string& state_dir, const std::string& name,
                        bool dry_run = false);
std::string control_dir(const std::string& rollout_dir);

// Creates the directory (and parents) with mode 0700; tightens an existing one.
Result<void> ensure_private_dir(const std::string& path);

// Rollouts in the state directory (subdirectories holding a journal), sorted.
std::vector<std::string> list_rollouts(const std::string& state_dir);

// NAME given, or the only rollout there (real ones preferred over rehearsals).
Result<std::string> pick_rollout(const std::string& state_dir, const std::string& name);

// Writes `content` to `path` atomically (temp file, fsync, rename, fsync of the directory),
// mode 0600. `sync` = false skips the fsyncs (a rehearsal needs no durability).
Result<void> write_file_atomic(const std::string& path, const std::string& content,
                               bool sync = true);

}  // namespace rollout::state
