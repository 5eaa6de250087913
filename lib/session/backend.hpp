// The state backend: where a rollout's journal, state.json, lock and control requests are
// kept. Today that is files in the state directory (lib/state/); this is the one place
// their objects are constructed, so a second backend is a second set of constructors here.
#pragma once

#include <memory>
#include <string>

#include "core/result.hpp"
#include "state/file_control.hpp"
#include "state/file_store.hpp"
#include "state/lock.hpp"

namespace rollout::session {

// The store of the rollout in directory `dir`. `durable` = false (a rehearsal, or a
// read-only look) skips every fsync and the journal's reserve.
std::unique_ptr<state::FileStateStore> open_store(const std::string& dir, bool durable);

// The rollout's lock for this process (a fresh run id), or who holds it.
state::RolloutLock::Attempt take_lock(const std::string& dir);

// The requests to the run `run` holding the lock (others are discarded); `watch_stdin`
// also takes "advance"/"abort" typed on the terminal. An Error (io) when the control
// directory cannot be made private.
Result<std::unique_ptr<state::FileControlChannel>> open_control(const std::string& dir,
                                                                bool watch_stdin,
                                                                const std::string& run);

}  // namespace rollout::session
