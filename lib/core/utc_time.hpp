// UTC wall-clock time as text: ISO 8601 for journals, reports and lock files, and a compact
// stamp for file names (an archived journal).
#pragma once

#include <chrono>
#include <string>

namespace rollout {

// "2026-11-26T08:00:00Z", or with `millis` "2026-11-26T08:00:00.123Z" (an event's time).
// Times before 1970 round down to the second, as a calendar does.
std::string utc_iso8601(std::chrono::system_clock::time_point t, bool millis = false);

// "20261126T080000Z": sorts as time does and is safe in a file name.
std::string utc_stamp(std::chrono::system_clock::time_point t);

}  // namespace rollout
