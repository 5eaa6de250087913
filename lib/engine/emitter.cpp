// Stamping, redaction and fan-out of engine events.
#include "engine/emitter.hpp"

#include "core/redact.hpp"

namespace rollout::engine {

Emitter::Emitter(Clock& clock, std::int64_t t_offset_ms, std::uint64_t seq)
    : clock_(clock), origin_(clock.now()), offset_(t_offset_ms), seq_(seq) {}

void Emitter::subscribe(EventSink* sink) {
  if (sink) sinks_.push_back(sink);
}

std::int64_t Emitter::t_ms() const {
  return offset_ + (clock_.now() - origin_).count();
}

Event Emitter::emit(const std::string& stage, std::string summary, events::Payload payload) {
  Event e;
  e.type = events::type_of(payload);
  e.seq = ++seq_;
  e.time = clock_.wall();
  e.t_ms = t_ms();
  const Secrets& s = secrets();
  e.stage = stage;
  e.summary = s.empty() ? std::move(summary) : s.redact(std::string_view(summary));
  // Every string the payload carries, whatever its type: redacted as the JSON it is written as.
  e.payload = s.empty()
                  ? std::move(payload)
                  : events::payload_from_json(e.type, s.redact(events::payload_to_json(payload)));
  for (EventSink* sink : sinks_) sink->on_event(e);
  return e;
}

}  // namespace rollout::engine
