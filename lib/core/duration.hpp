// Durations as runbooks write them: "500ms", "30s", "2h", "1h30m".
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace rollout {

using Duration = std::chrono::milliseconds;

// Parses "500ms", "30s", "5m", "2h", "1d", "1h30m", "0". nullopt when malformed.
std::optional<Duration> parse_duration(std::string_view text);

// Shortest exact form: 90000ms -> "1m30s", 1500ms -> "1.5s", 0 -> "0s".
std::string format_duration(Duration d);

}  // namespace rollout
