// Tests for runbook/gate_range: a range is its two halves, each located where it was written.
#include <doctest/doctest.h>

#include "helpers.hpp"
#include "runbook/gate_range.hpp"

using namespace rbtest;

TEST_CASE("a range splits into a lower and an upper gate") {
  auto r = split_range("10% <= ratio < 90% for 5m");
  REQUIRE(r);
  REQUIRE(r->lower);
  REQUIRE(r->upper);
  CHECK(r->lower->text == "ratio >= 10% for 5m");
  CHECK(r->upper->text == "ratio < 90% for 5m");
  // "10%" of the lower half is where it was written, at the start.
  CHECK(r->lower->at(9) == 0);
  CHECK(r->lower->at(0) == 7);  // the check
  CHECK(r->upper->at(0) == 7);
  auto strict = split_range("1 < queue_depth < 5");
  REQUIRE(strict);
  CHECK(strict->lower->text == "queue_depth > 1");
}

TEST_CASE("an expression that starts with its check is not a range") {
  CHECK_FALSE(split_range("error_rate < 1%"));
  CHECK_FALSE(split_range("  p99 <= 200ms for 1m"));
}

TEST_CASE("a range written the wrong way round says how to write it") {
  auto r = split_range("90% > ratio > 10%");
  REQUIRE(r);
  CHECK_FALSE(r->lower);
  CHECK(r->error.find("the lower bound first") != std::string::npos);
  CHECK(r->error_offset == 4);
  auto no_upper = split_range("10% < ratio");
  REQUIRE(no_upper);
  CHECK(no_upper->error.find("expected < or <= after 'ratio'") != std::string::npos);
}

TEST_CASE("a stage's range gate is two gates; an empty range and a bad half are located") {
  auto l = load(edit("\"error_rate < 1%\", \"p99 < 200ms\"", "\"0.1% <= error_rate < 2%\""));
  INFO(dump(l));
  REQUIRE(l.ok());
  const auto& gates = l.runbook->stages[0].gates;
  REQUIRE(gates.size() == 2);
  CHECK(gates[0].op == CompareOp::ge);
  CHECK(gates[0].threshold == doctest::Approx(0.001));
  CHECK(gates[1].op == CompareOp::lt);
  CHECK(gates[1].threshold == doctest::Approx(0.02));
  auto empty = load(edit("\"error_rate < 1%\", \"p99 < 200ms\"", "\"5% < error_rate < 2%\""));
  CHECK(find(empty, "holds no value"));
  auto bad = load(edit("\"error_rate < 1%\", \"p99 < 200ms\"", "\"1% < error_rate < 2s\""));
  const Diagnostic* d = find(bad, "unit 's' does not fit");
  REQUIRE(d);
  CHECK(d->pos.col == 30);  // the "s" of "2s", in the text as written
}
