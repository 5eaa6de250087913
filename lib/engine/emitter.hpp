// The one way events leave the engine: stamped (seq, time, t_ms), redacted, then handed
// to every subscriber in order (the journal first, so nothing is shown that is not saved).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "events/event.hpp"
#include "ports/clock.hpp"

namespace rollout::engine {

class Emitter {
 public:
  // t_ms continues from `t_offset_ms` (a resumed rollout keeps counting), seq from `seq`.
  Emitter(Clock& clock, std::int64_t t_offset_ms = 0, std::uint64_t seq = 0);
  void subscribe(EventSink* sink);
  // Returns the event as subscribers saw it; its type is the payload's.
  Event emit(const std::string& stage, std::string summary, events::Payload payload);
  std::int64_t t_ms() const;  // what the next event's t_ms would be

 private:
  Clock& clock_;
  Duration origin_;
  std::int64_t offset_;
  std::uint64_t seq_;
  std::vector<EventSink*> sinks_;
};

}  // namespace rollout::engine
