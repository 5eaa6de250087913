// The in-memory state store.
#include "fakes/memory_store.hpp"

namespace rollout::fakes {

Result<void> MemoryStateStore::append(const nlohmann::json& record, bool sync) {
  std::lock_guard lock(mu_);
  if (crashed_) throw SimulatedCrash{};
  if (fail_after_ != 0 && appends_ >= fail_after_ && fail_count_ != 0) {
    if (fail_count_ > 0) --fail_count_;
    ++lost_;
    if (failure_.empty()) failure_ = "journal write failed: " + fail_why_;
    return make_error("journal write failed: " + fail_why_);
  }
  // Round-trip through text, as the file store does: what is read back is what was written.
  journal_.push_back(nlohmann::json::parse(record.dump()));
  ++appends_;
  synced_.push_back(sync);
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
  states_.push_back(state);
  return {};
}

Result<std::optional<nlohmann::json>> MemoryStateStore::load_state() const {
  std::lock_guard lock(mu_);
  return state_;
}

Trust MemoryStateStore::trust() const {
  std::lock_guard lock(mu_);
  if (!failure_.empty())
    return Trust{Trust::Kind::journal,
                 failure_ + "; " + std::to_string(lost_) + " event(s) not recorded", lost_};
  if (!lock_lost_.empty()) return Trust{Trust::Kind::lock, lock_lost_, 0};
  return {};
}

void MemoryStateStore::fail_appends_after(std::size_t n, std::string why, int count) {
  std::lock_guard lock(mu_);
  fail_after_ = n;
  fail_why_ = std::move(why);
  fail_count_ = count;
}

void MemoryStateStore::lose_lock(std::string why) {
  std::lock_guard lock(mu_);
  lock_lost_ = std::move(why);
}

std::vector<nlohmann::json> MemoryStateStore::saved_states() const {
  std::lock_guard lock(mu_);
  return states_;
}

std::vector<bool> MemoryStateStore::sync_flags() const {
  std::lock_guard lock(mu_);
  return synced_;
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
