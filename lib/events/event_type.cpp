// Event type names, the one list.
#include "events/event_type.hpp"

#include <array>

namespace rollout {

namespace {

constexpr std::array<std::string_view, 26> kNames = {
    "rollout_started",  "preflight",       "stage_started",     "step_started",
    "step_finished",    "weight_set",      "hold_started",      "gate_measured",
    "breach",           "passed_early",    "awaiting_approval", "advanced",
    "paused",           "abort_requested", "interrupted",       "stage_completed",
    "rollback_started", "rollback_step",   "rollback_finished", "completed",
    "process_started",  "process_exited",  "analysis_started",  "analysis_finished",
    "warning",          "finished",
};
static_assert(kNames.size() == static_cast<std::size_t>(EventType::finished) + 1);

}  // namespace

std::string_view to_string(EventType type) {
  const auto i = static_cast<std::size_t>(type);
  return i < kNames.size() ? kNames[i] : std::string_view("warning");
}

std::optional<EventType> event_type_from_string(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<EventType>(i);
  return std::nullopt;
}

const std::vector<std::string_view>& event_type_names() {
  static const std::vector<std::string_view> names(kNames.begin(), kNames.end());
  return names;
}

}  // namespace rollout
