// Tests for core/duration: the forms runbooks write and the shortest form printed.
#include <doctest/doctest.h>

#include "core/duration.hpp"

using namespace rollout;
using namespace std::chrono_literals;

TEST_CASE("durations parse") {
  CHECK(parse_duration("500ms") == Duration{500});
  CHECK(parse_duration("30s") == Duration{30s});
  CHECK(parse_duration("5m") == Duration{5min});
  CHECK(parse_duration("2h") == Duration{2h});
  CHECK(parse_duration("1d") == Duration{24h});
  CHECK(parse_duration("1h30m") == Duration{90min});
  CHECK(parse_duration("0") == Duration{0});
}

TEST_CASE("malformed durations are rejected") {
  for (const char* bad : {"", "2", "2 h", "h", "2hours", "1.5h", "-5s", "5S", "30sec", "1h30"})
    CHECK_MESSAGE(!parse_duration(bad), bad);
}

TEST_CASE("durations print in the shortest exact form") {
  CHECK(format_duration(Duration{0}) == "0s");
  CHECK(format_duration(Duration{500}) == "500ms");
  CHECK(format_duration(Duration{1500}) == "1.5s");
  CHECK(format_duration(Duration{90s}) == "1m30s");
  CHECK(format_duration(Duration{54h}) == "54h");
  CHECK(format_duration(Duration{2h + 30min}) == "2h30m");
}

TEST_CASE("printed durations parse back") {
  for (auto d : {Duration{30s}, Duration{54h}, Duration{90min}, Duration{250}})
    CHECK(parse_duration(format_duration(d)) == d);
}

// The report's form (was report::format_ms): tenths of a second under a minute, then whole
// seconds, minutes from an hour.
TEST_CASE("durations print rounded to tenths for a report") {
  auto f = [](std::int64_t ms) { return format_duration(Duration{ms}, Rounding::tenths); };
  CHECK(f(-5) == "0s");
  CHECK(f(0) == "0s");
  CHECK(f(850) == "850ms");
  CHECK(f(1000) == "1s");
  CHECK(f(42'340) == "42.3s");
  CHECK(f(59'960) == "60s");
  CHECK(f(60'000) == "1m");
  CHECK(f(245'400) == "4m05s");
  CHECK(f(3'723'000) == "1h02m");
  CHECK(f(7'200'000) == "2h");
  CHECK(f(54LL * 3'600'000) == "54h");
}

// The live view's form (was view::human_duration): whole seconds, days from 48 hours.
TEST_CASE("durations print rounded to seconds for a glance") {
  auto f = [](std::int64_t ms) { return format_duration(Duration{ms}, Rounding::seconds); };
  CHECK(f(-5) == "0ms");
  CHECK(f(0) == "0ms");
  CHECK(f(850) == "850ms");
  CHECK(f(12'400) == "12s");
  CHECK(f(59'500) == "1m");
  CHECK(f(245'400) == "4m05s");
  CHECK(f(3'723'000) == "1h02m");
  CHECK(f(47LL * 3'600'000) == "47h");
  CHECK(f(48LL * 3'600'000) == "2d");
  CHECK(f(76LL * 3'600'000) == "3d4h");
}
