// The constructors of the state backend (see backend.hpp).
#include "session/backend.hpp"

#include "state/layout.hpp"

namespace rollout::session {

std::unique_ptr<state::FileStateStore> open_store(const std::string& dir, bool durable) {
  return std::make_unique<state::FileStateStore>(dir, durable);
}

state::RolloutLock::Attempt take_lock(const std::string& dir) {
  return state::RolloutLock::acquire(dir, state::LockHolder::self());
}

Result<std::unique_ptr<state::FileControlChannel>> open_control(const std::string& dir,
                                                                bool watch_stdin,
                                                                const std::string& run) {
  auto channel = std::make_unique<state::FileControlChannel>(state::control_dir(dir), watch_stdin,
                                                             run);  // drops other runs' requests
  if (auto r = state::ensure_private_dir(state::control_dir(dir)); !r)
    return with_kind(r.error(), ErrorKind::io);
  return channel;
}

}  // namespace rollout::session
