// Small text helpers the terminal pictures share: display width of UTF-8 text with ANSI
// colour codes, truncation and padding to a column, colours, and human units and durations.
#pragma once

#include "core/duration.hpp"
#include "core/outcome.hpp"
#include "core/units.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rollout::view {

// Columns `text` takes on a terminal: UTF-8 code points, ANSI escape sequences excluded.
// Everything this program draws (box and block characters) is one column wide.
std::size_t display_width(std::string_view text);

// Cuts `text` to at most `width` columns (keeping escape sequences whole and ending with
// a reset when it held any); "…" marks a cut.
std::string truncate(std::string_view text, std::size_t width);

// Pads with spaces on the right (or left) to `width` columns; never truncates.
std::string pad_right(std::string_view text, std::size_t width);
std::string pad_left(std::string_view text, std::size_t width);

std::string repeat(std::string_view unit, std::size_t n);

// ANSI SGR codes, or nothing at all when colour is off.
struct Palette {
  bool on = false;
  std::string paint(std::string_view text, std::string_view sgr) const;
  std::string bold(std::string_view t) const { return paint(t, "1"); }
  std::string dim(std::string_view t) const { return paint(t, "2"); }
  std::string green(std::string_view t) const { return paint(t, "32"); }
  std::string red(std::string_view t) const { return paint(t, "31"); }
  std::string yellow(std::string_view t) const { return paint(t, "33"); }
  std::string magenta(std::string_view t) const { return paint(t, "35"); }
  std::string cyan(std::string_view t) const { return paint(t, "36"); }
  // pass green, fail red, inconclusive yellow, error magenta.
  // `text` in the colour of a gate outcome (unpainted when there is none yet).
  std::string outcome(std::string_view text, std::optional<Outcome> outcome) const;
};

// "2h31m", "4m05s", "12s", "850ms": rounded for a person, not exact.
inline std::string human_duration(std::int64_t ms) {
  return format_duration(Duration{ms}, Rounding::seconds);
}

// Local wall-clock time "HH:MM:SS" (or "HH:MM" when short).
std::string clock_time(std::chrono::system_clock::time_point t, bool seconds = true);

}  // namespace rollout::view
