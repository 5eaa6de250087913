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
