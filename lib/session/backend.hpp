// The state backend: where a rollout's journal, state.json, lock and control requests are
// kept. Today that is files in the state directory (lib/state/); this is the one place a
// store is constructed, so a second backend is a second constructor here.
#pragma once

#include <memory>
#include <string>

#include "state/file_store.hpp"

namespace rollout::session {

// The store of the rollout in directory `dir`. `durable` = false (a rehearsal, or a
// read-only look) skips every fsync and the journal's reserve.
std::unique_ptr<state::FileStateStore> open_store(const std::string& dir, bool durable);

}  // namespace rollout::session
