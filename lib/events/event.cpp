// The envelope every event has (journal, --output json, report) and the journal's older
// spelling of a NaN/Inf gate value (only in its summary).
#include "events/event.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>

#include "core/utc_time.hpp"

namespace rollout {

namespace {

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

std::optional<double> non_finite_of(std::string_view token) {
  if (token == "nan" || token == "-nan" || token == "NaN")
    return std::numeric_limits<double>::quiet_NaN();
  if (token == "inf" || token == "+inf" || token == "+Inf")
    return std::numeric_limits<double>::infinity();
  if (token == "-inf" || token == "-Inf") return -std::numeric_limits<double>::infinity();
  return std::nullopt;
}

// A journal older than the non_finite key names a NaN/Inf only in the summary, "CHECK:
// nan < 1% -> inconclusive" (the C library's spelling in the oldest ones): take the value
// from there and spell it as the rest of the program does.
void recover_non_finite(const nlohmann::json& line, Event& e) {
  auto* g = std::get_if<events::GateMeasured>(&e.payload);
  if (!g || g->value || line.contains("non_finite")) return;
  const std::string_view s = e.summary;
  const std::string& check = g->check;
  if (check.empty() || s.size() <= check.size() + 2 || !s.starts_with(check) ||
      s.substr(check.size(), 2) != ": ")
    return;
  const std::size_t start = check.size() + 2;
  const std::size_t end = std::min(s.find(' ', start), s.size());
  const auto value = non_finite_of(s.substr(start, end - start));
  if (!value) return;
  g->value = *value;
  e.summary = std::string(s.substr(0, start)) + std::string(events::non_finite_word(*value)) +
              std::string(s.substr(end));
}

}  // namespace

namespace events {

std::string_view non_finite_word(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return {};
}

std::string outcome_word(const std::optional<Outcome>& outcome) {
  return outcome ? std::string(to_string(*outcome)) : std::string();
}

nlohmann::json number_or_null(const std::optional<double>& value) {
  return value && std::isfinite(*value) ? nlohmann::json(*value) : nlohmann::json();
}

}  // namespace events

nlohmann::json to_json(const Event& event) {
  nlohmann::json j = events::payload_to_json(event.payload);
  j["v"] = kEventSchemaVersion;
  j["seq"] = event.seq;
  j["type"] = std::string(to_string(event.type));
  j["time"] = utc_iso8601(event.time, /*millis=*/true);
  j["t_ms"] = event.t_ms;
  if (!event.stage.empty()) j["stage"] = event.stage;
  j["summary"] = event.summary;
  return j;
}

bool from_json(const nlohmann::json& line, Event& out) {
  if (!line.is_object()) return false;
  const auto type = line.find("type");
  if (type == line.end() || !type->is_string()) return false;
  const auto t = event_type_from_string(type->get<std::string>());
  if (!t) return false;
  Event e;
  e.type = *t;
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
  e.payload = events::payload_from_json(e.type, line);
  recover_non_finite(line, e);
  out = std::move(e);
  return true;
}

}  // namespace rollout
