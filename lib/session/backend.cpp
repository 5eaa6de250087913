// The one constructor of the state backend (see backend.hpp).
#include "session/backend.hpp"

namespace rollout::session {

std::unique_ptr<state::FileStateStore> open_store(const std::string& dir, bool durable) {
  return std::make_unique<state::FileStateStore>(dir, durable);
}

}  // namespace rollout::session
