// The virtual clock.
#include "rehearsal/virtual_clock.hpp"

namespace rollout::rehearsal {

VirtualClock::VirtualClock(std::chrono::system_clock::time_point epoch) : epoch_(epoch) {}

std::chrono::system_clock::time_point VirtualClock::default_epoch() {
  // 2026-11-26T00:00:00Z: fixed, so rehearsal output is reproducible.
  return std::chrono::system_clock::time_point{std::chrono::seconds(1795651200)};
}

Duration VirtualClock::now() const {
  return Duration(now_ms_.load());
}

std::chrono::system_clock::time_point VirtualClock::wall() const {
  return epoch_ + std::chrono::duration_cast<std::chrono::system_clock::duration>(now());
}

void VirtualClock::sleep_until(Duration deadline) {
  std::int64_t target = deadline.count();
  const std::int64_t current = now_ms_.load();
  {
    std::lock_guard lock(mu_);
    auto it = wakeups_.upper_bound(current);
    if (it != wakeups_.end() && *it < target) target = *it;
    wakeups_.erase(wakeups_.begin(), wakeups_.upper_bound(std::max(current, target)));
  }
  if (target > current) now_ms_.store(target);
}

void VirtualClock::advance(Duration d) {
  if (d.count() > 0) now_ms_.fetch_add(d.count());
}

void VirtualClock::wake_at(Duration t) {
  std::lock_guard lock(mu_);
  wakeups_.insert(t.count());
}

}  // namespace rollout::rehearsal
