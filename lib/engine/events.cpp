// Event names and the one JSON shape every event has (journal, --output json, report).
#include "engine/events.hpp"

#include <array>
#include <cstdio>
#include <ctime>

#include <fmt/format.h>

#include "core/utc_time.hpp"

namespace rollout {

namespace {

constexpr std::array<std::string_view, 21> kNames = {
    "rollout_started",  "preflight",     "stage_started",     "step_started", "step_finished",
    "weight_set",       "hold_started",  "gate_measured",     "breach",       "awaiting_approval",
    "advanced",         "paused",        "abort_requested",   "interrupted",  "stage_completed",
    "rollback_started", "rollback_step", "rollback_finished", "completed",    "warning",
    "finished",
};

// Inverse of utc_iso8601(t, /*millis=*/true); false when the text is not that shape.
bool parse_time(const std::string& s, std::chrono::system_clock::time_point& out) {
  std::tm tm{};
  int ms = 0;
  if (std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) < 6)
    return false;
  // A journal is read, not trusted: the clock counts nanoseconds in 64 bits (years
  // 1678-2262), so a year like 4052 would overflow it.
  if (tm.tm_year < 1900 || tm.tm_year > 2200 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
      tm.tm_mday > 31 || tm.tm_hour < 0 || tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 ||
      tm.tm_sec < 0 || tm.tm_sec > 60 || ms < 0 || ms > 999)
    return false;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const std::time_t secs = timegm(&tm);
  out = std::chrono::system_clock::time_point{std::chrono::seconds(secs)} +
        std::chrono::milliseconds(ms);
  return true;
}

}  // namespace

std::string_view to_string(EventType type) {
  const auto i = static_cast<std::size_t>(type);
  return i < kNames.size() ? kNames[i] : std::string_view("warning");
}

bool event_type_from_string(std::string_view name, EventType& out) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) {
      out = static_cast<EventType>(i);
      return true;
    }
  }
  return false;
}

nlohmann::json to_json(const Event& event) {
  nlohmann::json j = nlohmann::json::object();
  j["v"] = kEventSchemaVersion;
  j["seq"] = event.seq;
  j["type"] = std::string(to_string(event.type));
  j["time"] = utc_iso8601(event.time, /*millis=*/true);
  j["t_ms"] = event.t_ms;
  if (!event.stage.empty()) j["stage"] = event.stage;
  j["summary"] = event.summary;
  if (event.data.is_object()) {
    for (const auto& [key, value] : event.data.items()) {
      if (!j.contains(key)) j[key] = value;
    }
  }
  return j;
}

bool from_json(const nlohmann::json& line, Event& out) {
  if (!line.is_object()) return false;
  const auto type = line.find("type");
  if (type == line.end() || !type->is_string()) return false;
  Event e;
  if (!event_type_from_string(type->get<std::string>(), e.type)) return false;
  if (auto it = line.find("seq"); it != line.end() && it->is_number_unsigned()) {
    e.seq = it->get<std::uint64_t>();
  } else if (it != line.end() && it->is_number_integer()) {
    e.seq = static_cast<std::uint64_t>(it->get<std::int64_t>());
  }
  if (auto it = line.find("time"); it != line.end() && it->is_string())
    parse_time(it->get<std::string>(), e.time);
  if (auto it = line.find("t_ms"); it != line.end() && it->is_number())
    e.t_ms = it->get<std::int64_t>();
  if (auto it = line.find("stage"); it != line.end() && it->is_string())
    e.stage = it->get<std::string>();
  if (auto it = line.find("summary"); it != line.end() && it->is_string())
    e.summary = it->get<std::string>();
  e.data = nlohmann::json::object();
  for (const auto& [key, value] : line.items()) {
    if (key == "v" || key == "seq" || key == "type" || key == "time" || key == "t_ms" ||
        key == "stage" || key == "summary")
      continue;
    e.data[key] = value;
  }
  out = std::move(e);
  return true;
}

}  // namespace rollout
