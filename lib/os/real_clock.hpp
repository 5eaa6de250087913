// The wall-and-monotonic clock of a real run. sleep_until sleeps in slices of at most
// 250 ms and returns early on a signal, so requests are acted on within a second.
#pragma once

#include "ports/clock.hpp"

namespace rollout::os {

class RealClock : public Clock {
 public:
  RealClock();
  Duration now() const override;
  std::chrono::system_clock::time_point wall() const override;
  void sleep_until(Duration deadline) override;

 private:
  std::chrono::steady_clock::time_point origin_;
};

}  // namespace rollout::os
