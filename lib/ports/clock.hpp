// Time, as the engine sees it. The real clock sleeps; the virtual one (rehearsal/) jumps,
// which is how a 54-hour runbook is rehearsed or unit-tested in milliseconds.
#pragma once

#include <chrono>

#include "core/duration.hpp"

namespace rollout {

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic time since an arbitrary epoch: holds, budgets, intervals.
  virtual Duration now() const = 0;
  // Wall-clock time: timestamps in events, journal and reports.
  virtual std::chrono::system_clock::time_point wall() const = 0;
  // Sleeps until `deadline` (a now() value). May return early (a signal, a control
  // request, or a slice of at most ~250 ms on the real clock): callers re-check.
  virtual void sleep_until(Duration deadline) = 0;
  virtual bool is_virtual() const { return false; }
};

}  // namespace rollout
