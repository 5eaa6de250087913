// Everything the engine does is an event. Subscribers: the journal (state/), the terminal
// view and JSON stream (view/), notifications (providers/), the report (report/ reads
// them back from the journal). One JSON object per event, a line in journal.jsonl and
// in `--output json`:
//   {"v":1,"seq":N,"type":"weight_set","time":"2026-11-26T08:00:00.000Z","t_ms":1234,
//    "stage":"canary","summary":"traffic 99/1 (stable/canary)", ...data fields...}
// t_ms counts from the rollout's start on the engine's clock (virtual in a dry run).
// clang-format off
// Data fields by type (all optional fields omitted when not known):
//   rollout_started   runbook, name, dry_run, resumed, from_stage, by, stages:[{name,weight,hold_ms}]
//   preflight         ok, checks:[{what, ok, detail}]
//   stage_started     index, weight, hold_ms, interval_ms
//   step_started      phase ("before"|"after"|"rollback"), index, kind, description
//   step_finished     phase, index, kind, description, ok, duration_ms, detail, output
//   weight_set        stable, canary, ok, detail
//   hold_started      hold_ms, remaining_ms
//   gate_measured     gate, check, query, value (number|null), threshold, op, unit,
//                     outcome, detail, fails, inconclusives, errors (consecutive counts)
//   breach            gate, counter ("failure"|"inconclusive"|"error"), limit, action
//   awaiting_approval timeout_ms (null: none)
//   advanced          by, skipped_ms
//   paused            reason
//   abort_requested   by, reason
//   interrupted       signal, action ("pause"|"rollback"|"stop")
//   stage_completed   duration_ms, measurements
//   rollback_started  reason, trigger ("breach"|"step_failed"|"abort"|"interrupt"|"timeout"|"journal"), budget_ms
//   rollback_step     index, kind, description, ok, duration_ms, budget_ms, attempts, detail
//   rollback_finished ok, duration_ms, budget_ms, over_budget, undone:[description]
//   completed         duration_ms
//   warning           message
//   finished          outcome ("completed"|"rolled_back"|"aborted"|"paused"|
//                     "rollback_failed"|"interrupted"|"preflight_failed"|"journal_failed"|
//                     "uncertain"|"lock_lost" (never written: shown only)), exit_code, reason
// clang-format on
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace rollout {

inline constexpr int kEventSchemaVersion = 1;

enum class EventType {
  rollout_started,
  preflight,
  stage_started,
  step_started,
  step_finished,
  weight_set,
  hold_started,
  gate_measured,
  breach,
  awaiting_approval,
  advanced,
  paused,
  abort_requested,
  interrupted,
  stage_completed,
  rollback_started,
  rollback_step,
  rollback_finished,
  completed,
  warning,
  finished,
};

std::string_view to_string(EventType type);
bool event_type_from_string(std::string_view name, EventType& out);

struct Event {
  EventType type = EventType::warning;
  std::uint64_t seq = 0;
  std::chrono::system_clock::time_point time;
  std::int64_t t_ms = 0;
  std::string stage;    // empty outside a stage
  std::string summary;  // one human line, already redacted
  nlohmann::json data = nlohmann::json::object();
};

nlohmann::json to_json(const Event& event);
bool from_json(const nlohmann::json& line, Event& out);  // false when not an event line

// Whoever wants to hear about events.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_event(const Event& event) = 0;
};

}  // namespace rollout
