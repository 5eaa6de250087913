// The in-memory control channel.
#include "fakes/memory_control.hpp"

#include <algorithm>

namespace rollout::fakes {

MemoryControl::MemoryControl(Clock& clock) : clock_(clock) {}

std::optional<ControlRequest> MemoryControl::poll() {
  std::lock_guard lock(mu_);
  const Duration now = clock_.now();
  for (auto it = scheduled_.begin(); it != scheduled_.end(); ++it) {
    if (it->first <= now) {
      ControlRequest r = std::move(it->second);
      scheduled_.erase(it);
      return r;
    }
  }
  return std::nullopt;
}

void MemoryControl::push(ControlRequest request) {
  at(Duration(0), std::move(request));
}

void MemoryControl::at(Duration when, ControlRequest request) {
  std::lock_guard lock(mu_);
  auto pos = std::upper_bound(scheduled_.begin(), scheduled_.end(), when,
                              [](Duration w, const auto& e) { return w < e.first; });
  scheduled_.insert(pos, {when, std::move(request)});
  if (auto* v = dynamic_cast<rehearsal::VirtualClock*>(&clock_)) v->wake_at(when);
}

ControlRequest MemoryControl::advance(std::string by) {
  return ControlRequest{ControlRequest::Kind::advance, std::move(by), ""};
}
ControlRequest MemoryControl::abort(std::string reason, std::string by) {
  return ControlRequest{ControlRequest::Kind::abort, std::move(by), std::move(reason)};
}
ControlRequest MemoryControl::interrupt(std::string signal) {
  return ControlRequest{ControlRequest::Kind::interrupt, std::move(signal), ""};
}

}  // namespace rollout::fakes
