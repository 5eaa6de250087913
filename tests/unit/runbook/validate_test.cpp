// Tests for the fail-safe validation rules (issue 8): units on gate thresholds, impossible
// thresholds, rollback direction, engine-honoured intervals, rollout names, short secrets,
// kill patterns, and the size and depth limits checked before parsing.
#include <doctest/doctest.h>

#include "helpers.hpp"

using namespace rbtest;

TEST_CASE("a bare number in a gate is an error where the check has a unit, located") {
  // "p99 < 300" used to mean 300 s, "error_rate < 1" 100 %.
  auto l = load(edit("\"error_rate < 1%\", \"p99 < 200ms\"", "\"error_rate < 1\", \"p99 < 300\""));
  INFO(dump(l));
  CHECK_FALSE(l.ok());
  auto* ratio = find(l, "'error_rate' measures ratio and 1 has no unit: write 1%");
  REQUIRE(ratio);
  CHECK(ratio->pos.line == 32);
  CHECK(ratio->pos.col == 24);
  auto* sec = find(l, "'p99' measures seconds and 300 has no unit: write 300ms or 300s");
  REQUIRE(sec);
  CHECK(sec->pos.line == 32);
  CHECK(sec->pos.col == 35);
  CHECK(errors(l) == 2);  // both reported
}

TEST_CASE("a gate threshold outside what its unit allows is an error at the value") {
  auto l = load(edit("\"error_rate < 1%\"", "\"error_rate < -1%\""));
  auto* d = find(l, "impossible for a ratio");
  REQUIRE(d);
  CHECK(d->pos.line == 32);
  CHECK(d->pos.col == 24);
  CHECK(find(load(edit("\"error_rate < 1%\"", "\"error_rate < 150%\"")), "impossible for a ratio"));
  CHECK(find(load(edit("\"p99 < 200ms\"", "\"p99 < -5ms\"")), "cannot be negative"));
}
