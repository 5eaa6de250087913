// Opening a rollout's state for a run: its directory checked, its lock taken, its journal
// read and decoded once, and the checks that decide whether this run may go on (a start
// over an unfinished rollout, a resume of a finished one or on a damaged journal). A start
// archives the old journal; the runbook and scenario are kept as started.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "engine/position.hpp"
#include "events/event.hpp"
#include "state/file_store.hpp"
#include "state/lock.hpp"

namespace rollout::session {

struct Opening {
  bool start = true;
  bool dry_run = false;   // a start: --dry-run (a resume learns it from the journal)
  bool aborting = false;  // an abort still runs on an uncertain journal (the safe way)
  std::string verb;       // for messages: resume | advance | abort
};

struct Opened {
  std::string dir;
  std::string name;  // the directory's name (NAME, or NAME.dry-run)
  std::unique_ptr<state::RolloutLock> lock;
  std::unique_ptr<state::FileStateStore> store;  // open for appending, lock-checked
  std::vector<Event> journal;                    // a resume: the events so far
  engine::Position position;                     // where the journal says it stands
  std::optional<state::JournalDamage> damage;
  bool dry_run = false;
  Result<void> writable;  // whether the journal takes records (a start's preflight says)
};

// The directory of the rollout named `name` in `state_dir` (or of the only one there when
// `name` is empty); an Error when there is none.
Result<std::string> existing_rollout(const std::string& state_dir, const std::string& name);

// Opens the rollout in `dir` (which need not exist yet). `warning` hears of a torn last
// journal line set aside.
Result<Opened> open_rollout(const std::string& dir, const Opening& how,
                            const std::function<void(const std::string&)>& warning);

// A start keeps the runbook (and the scenario, or none) it started from in its directory:
// a resume runs what was started, not an edited file.
Result<void> keep_as_started(const std::string& dir, const std::string& runbook,
                             const std::string& scenario);
std::string runbook_as_started(const std::string& dir);
std::string scenario_as_started(const std::string& dir);  // "" when there is none

}  // namespace rollout::session
