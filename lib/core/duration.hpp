// Durations as runbooks write them ("500ms", "30s", "2h", "1h30m"), and as people read them.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace rollout {

using Duration = std::chrono::milliseconds;

// Parses "500ms", "30s", "5m", "2h", "1d", "1h30m", "0". nullopt when malformed.
std::optional<Duration> parse_duration(std::string_view text);

// How format_duration rounds, by who reads it.
enum class Rounding {
  // Shortest exact form, parses back: 90000ms -> "1m30s", 1500ms -> "1.5s", 0 -> "0s"
  // (runbook spelling: plan, validate, messages).
  exact,
  // A report: "0s", "850ms", "42.3s" (tenths under a minute), "4m05s", "1h02m".
  tenths,
  // A glance (the live view): "0ms", "850ms", "12s", "4m05s", "2h31m", "3d4h" from 48 h.
  seconds,
};

// `d` as text; the rounded forms show a negative duration as zero.
std::string format_duration(Duration d, Rounding rounding = Rounding::exact);

}  // namespace rollout
