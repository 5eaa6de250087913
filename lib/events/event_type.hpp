// The one list of event types and their journal names: the engine emits them, the journal
// stores them, `[[notify]] events = [...]` in a runbook names them.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace rollout {

inline constexpr int kEventSchemaVersion = 1;  // "v" of every journal line

// In the order of events::Payload's alternatives (payloads.hpp).
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
  passed_early,
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
  process_started,
  process_exited,
  analysis_started,
  analysis_finished,
  warning,
  finished,
};

std::string_view to_string(EventType type);
std::optional<EventType> event_type_from_string(std::string_view name);
// Every name, in the order above (for did-you-mean and the runbook's checks).
const std::vector<std::string_view>& event_type_names();

}  // namespace rollout
