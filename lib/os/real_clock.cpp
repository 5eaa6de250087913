// The real clock.
#include "os/real_clock.hpp"

#include <time.h>

#include <algorithm>

namespace rollout::os {

RealClock::RealClock() : origin_(std::chrono::steady_clock::now()) {}

Duration RealClock::now() const {
  return std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - origin_);
}

std::chrono::system_clock::time_point RealClock::wall() const {
  return std::chrono::system_clock::now();
}

void RealClock::sleep_until(Duration deadline) {
  const Duration left = deadline - now();
  if (left.count() <= 0) return;
  const Duration slice = std::min(left, Duration(250));
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(slice.count() / 1000);
  ts.tv_nsec = static_cast<long>(slice.count() % 1000) * 1'000'000L;
  // EINTR (a signal: Ctrl-C, or SIGUSR1 from `rollout advance`) ends the slice early.
  ::nanosleep(&ts, nullptr);
}

}  // namespace rollout::os
