// Formatting the report needs: measured values in their unit, durations for people,
// timestamps, and escaping for Markdown table cells and XML.
#pragma once

#include "core/units.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace rollout::report {

// A journal's milliseconds as format_duration(Rounding::tenths) spells them ("1h02m",
// "4m05s", "42.3s", "850ms"); "—" unless a number.
std::string format_ms(const nlohmann::json& ms);
// "2026-11-26 08:00:00 UTC" from the ISO form, for people.
std::string readable_time(std::string_view iso);
// Text safe inside a Markdown table cell: pipes escaped, newlines as spaces.
std::string md_cell(std::string_view text);
// Text safe in XML character data and attribute values.
std::string xml_escape(std::string_view text);

}  // namespace rollout::report
