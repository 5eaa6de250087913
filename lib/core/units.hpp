// Units a gate threshold may carry: "%" for ratios, "ms s m h" for seconds and
// "B KB MB GB KiB MiB GiB" for bytes (KB = 1000, KiB = 1024). Values are kept in the
// base unit (ratio, seconds, bytes) so a gate compares like with like.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace rollout {

enum class Dimension { ratio, seconds, bytes, count };

struct UnitScale {
  Dimension dimension;
  double factor;  // multiply a value written in this unit to get the base unit
};

// The scale of a unit suffix ("%", "ms", "GiB" …); nullopt when it is no unit we know.
std::optional<UnitScale> unit_scale(std::string_view suffix);

// Every suffix unit_scale knows, for did-you-mean.
const std::vector<std::string>& unit_suffixes();

// The suffixes that fit a dimension, for messages: "%" for ratio, "ms, s, m, h" …
std::string unit_suffixes_for(Dimension d);

// "ratio", "seconds", "bytes", "count".
const char* to_string(Dimension d);

// A base-unit value the way a person writes it: ratio 0.005 -> "0.5%",
// seconds 0.2 -> "200ms", bytes 1048576 -> "1MiB", count 12 -> "12".
std::string format_quantity(double value, Dimension d);

// A measured value for people, 3 significant digits in the unit's usual form: ratio
// 0.01234 -> "1.23%", seconds 0.2 -> "200ms", bytes 1572864 -> "1.5MiB"; NaN and ±Inf
// spelled out ("NaN", "+Inf"), never the C library's "nan".
std::string format_measurement(double value, Dimension d);
// The same for a journal value: a number, or null when nothing was measured ("no data");
// `unit` is a Dimension's name ("ratio", "seconds", ...), anything else counts as count.
std::string format_measurement(const nlohmann::json& value, std::string_view unit);

}  // namespace rollout
