// Operator requests for tests and dry runs: delivered now, or at a virtual time (the clock
// is told to wake there, so a jump over a long hold stops for them).
#pragma once

#include <deque>
#include <mutex>
#include <vector>

#include "ports/control.hpp"
#include "rehearsal/virtual_clock.hpp"

namespace rollout::fakes {

class MemoryControl : public ControlChannel {
 public:
  explicit MemoryControl(Clock& clock);
  std::optional<ControlRequest> poll() override;

  void push(ControlRequest request);               // pending now
  void at(Duration when, ControlRequest request);  // pending from `when` on the clock
  static ControlRequest advance(std::string by = "tester@test");
  static ControlRequest abort(std::string reason = "", std::string by = "tester@test");
  static ControlRequest interrupt(std::string signal = "SIGINT");

 private:
  Clock& clock_;
  std::mutex mu_;
  std::vector<std::pair<Duration, ControlRequest>> scheduled_;  // in order of `when`
};

}  // namespace rollout::fakes
