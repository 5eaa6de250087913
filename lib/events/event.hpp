// Everything the engine does is an event. Subscribers: the journal (state/), the terminal
// view and JSON stream (view/), notifications (providers/), the report (report/ reads
// them back from the journal). One JSON object per event, a line in journal.jsonl and
// in `--output json`:
//   {"v":1,"seq":N,"type":"weight_set","time":"2026-11-26T08:00:00.000Z","t_ms":1234,
//    "stage":"canary","summary":"traffic 99/1 (stable/canary)", ...payload fields...}
// t_ms counts from the rollout's start on the engine's clock (virtual in a dry run). The
// payload fields of each type are in payloads.hpp; this is the only place that reads or
// writes them as JSON.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "events/event_type.hpp"
#include "events/payloads.hpp"

namespace rollout {

struct Event {
  EventType type = EventType::warning;  // always events::type_of(payload)
  std::uint64_t seq = 0;
  std::chrono::system_clock::time_point time;
  std::int64_t t_ms = 0;
  std::string stage;    // empty outside a stage
  std::string summary;  // one human line, already redacted
  events::Payload payload = events::Warning{};

  // The payload as T, or nullptr when the event is of another type.
  template <typename T>
  const T* as() const {
    return std::get_if<T>(&payload);
  }
};

nlohmann::json to_json(const Event& event);
// false when `line` is not an event line (no object, no known type).
bool from_json(const nlohmann::json& line, Event& out);

// Whoever wants to hear about events.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_event(const Event& event) = 0;
};

namespace events {

// The payload's fields as a JSON object (the journal keys of payloads.hpp).
nlohmann::json payload_to_json(const Payload& payload);
// Reads the payload of a `type` event from an object holding its keys (a journal line or
// just the fields); missing or mistyped keys read as their defaults.
Payload payload_from_json(EventType type, const nlohmann::json& fields);

// "NaN", "+Inf", "-Inf" for a value that is not finite, "" for one that is.
std::string_view non_finite_word(double value);
// The word of a gate outcome, "" for one this version does not know.
std::string outcome_word(const std::optional<Outcome>& outcome);
// A measured value as JSON holds it: a finite number, else null.
nlohmann::json number_or_null(const std::optional<double>& value);

}  // namespace events

}  // namespace rollout
