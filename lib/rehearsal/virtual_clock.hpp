// A clock that jumps instead of sleeping: unit tests and dry runs walk a 54-hour rollout
// in milliseconds. Wake-ups registered by other fakes (a scripted `abort` at 1h10m) stop a
// jump there, so nothing scheduled is skipped over.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>

#include "ports/clock.hpp"

namespace rollout::rehearsal {

class VirtualClock : public Clock {
 public:
  // Wall time starts at `epoch` (default 2026-11-26T00:00:00Z) and moves with now().
  explicit VirtualClock(std::chrono::system_clock::time_point epoch = default_epoch());
  Duration now() const override;
  std::chrono::system_clock::time_point wall() const override;
  void sleep_until(Duration deadline) override;
  bool is_virtual() const override { return true; }

  void advance(Duration d);  // time passes (a step that takes a while)
  void wake_at(Duration t);  // sleep_until stops at t on its way past
  static std::chrono::system_clock::time_point default_epoch();

 private:
  std::atomic<std::int64_t> now_ms_{0};
  std::chrono::system_clock::time_point epoch_;
  mutable std::mutex mu_;
  std::set<std::int64_t> wakeups_;
};

}  // namespace rollout::rehearsal
