// Tests for core/utc_time: the ISO 8601 forms events, reports and locks carry, and the
// compact stamp of archived journals.
#include <doctest/doctest.h>

#include "core/utc_time.hpp"

using namespace rollout;
using namespace std::chrono;

namespace {
// 2026-11-26T08:00:05Z plus `ms`.
system_clock::time_point at(std::int64_t ms) {
  return system_clock::time_point{seconds(1795680005)} + milliseconds(ms);
}
}  // namespace

TEST_CASE("UTC times print as ISO 8601, to the second or the millisecond") {
  CHECK(utc_iso8601(at(0)) == "2026-11-26T08:00:05Z");
  CHECK(utc_iso8601(at(0), /*millis=*/true) == "2026-11-26T08:00:05.000Z");
  CHECK(utc_iso8601(at(42), /*millis=*/true) == "2026-11-26T08:00:05.042Z");
  CHECK(utc_iso8601(at(999)) == "2026-11-26T08:00:05Z");  // truncated, not rounded
}

TEST_CASE("a time before the epoch rounds down to its second") {
  const auto t = system_clock::time_point{} - milliseconds(1);
  CHECK(utc_iso8601(t, /*millis=*/true) == "1969-12-31T23:59:59.999Z");
  CHECK(utc_iso8601(t) == "1969-12-31T23:59:59Z");
}

TEST_CASE("the compact stamp is safe in a file name") {
  CHECK(utc_stamp(at(500)) == "20261126T080005Z");
}
