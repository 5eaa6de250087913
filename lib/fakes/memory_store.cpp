// The in-memory state store.
#include "fakes/memory_store.hpp"

namespace rollout::fakes {

Result<void> MemoryStateStore::append(const nlohmann::json& record, bool sync) {
  std::lock_guard lock(mu_);
  if (crashed_) throw SimulatedCrash{};
  // Round-trip through text, as the file store does: what is read back is what was written.
  journal_.push_back(nlohmann::json::parse(record.dump()));
  ++appends_;
  if (sync) ++syncs_;
  if (crash_after_ != 0 && appends_ == crash_after_) {
    crashed_ = true;
    throw SimulatedCrash{};
  }
  return {};
}

Result<std::vector<nlohmann::json>> MemoryStateStore::journal() const {
  std::lock_guard lock(mu_);
  return journal_;
}

Result<void> MemoryStateStore::save_state(const nlohmann::json& state) {
  std::lock_guard lock(mu_);
  if (crashed_) throw SimulatedCrash{};
  state_ = state;
  return {};
}

Result<std::optional<nlohmann::json>> MemoryStateStore::load_state() const {
  std::lock_guard lock(mu_);
  return state_;
}

void MemoryStateStore::crash_after(std::size_t n) {
  std::lock_guard lock(mu_);
  crash_after_ = n;
  crashed_ = false;
}

bool MemoryStateStore::crashed() const {
  std::lock_guard lock(mu_);
  return crashed_;
}

std::size_t MemoryStateStore::appends() const {
  std::lock_guard lock(mu_);
  return appends_;
}

std::size_t MemoryStateStore::syncs() const {
  std::lock_guard lock(mu_);
  return syncs_;
}

}  // namespace rollout::fakes
