// Tests for runbook/parse_rules: a stage's gate rules, a gate's inline table over them,
// and what is checked against the stage (initial_delay, consecutive_successes).
#include <doctest/doctest.h>

#include "helpers.hpp"

using namespace rbtest;

namespace {
const std::string kGates = "gates = [\"error_rate < 1%\", \"p99 < 200ms\"]";
}

TEST_CASE("a stage's rules are the rules of its gates") {
  auto l = load(edit("hold = \"1h\"",
                     "hold = \"1h\"\ninterval = \"1m\"\nmax_failures = 5\nmax_errors = 2\n"
                     "on_inconclusive = \"pause\"\ninitial_delay = \"2m\"\nmin_measurements = 4\n"
                     "early_pass = true\nconsecutive_successes = 6\ndry_run = true"));
  INFO(dump(l));
  REQUIRE(l.ok());
  const Stage& s = l.runbook->stages[0];
  CHECK(s.rules.interval == std::chrono::minutes(1));
  CHECK(s.rules.max_failures == 5);
  CHECK(s.rules.max_errors == 2);
  CHECK(s.rules.max_inconclusive == 0);
  CHECK(s.rules.on_inconclusive == OnInconclusive::pause);
  CHECK(s.rules.initial_delay == std::chrono::minutes(2));
  CHECK(s.rules.min_measurements == 4);
  CHECK(s.rules.consecutive_successes == 6);
  CHECK(s.rules.dry_run);
  CHECK(s.early_pass);
  // Plain strings keep no rules of their own: they are judged by the stage's.
  CHECK_FALSE(s.gates[0].rules.has_value());
  CHECK(&rules_of(s.gates[0], s.rules) == &s.rules);
}

TEST_CASE("an inline gate table overrides its stage's rules for that gate only") {
  auto l = load(edit(kGates,
                     "failure_limit = 2\nmax_failures = 4\ngates = [\"error_rate < 1%\", "
                     "{ gate = \"p99 < 200ms\", interval = \"10s\", failure_limit = 3, "
                     "on_breach = \"notify\", on_inconclusive = \"ignore\", dry_run = true }]"));
  INFO(dump(l));
  REQUIRE(l.ok());
  const Stage& s = l.runbook->stages[0];
  REQUIRE(s.gates.size() == 2);
  const Gate& p99 = s.gates[1];
  CHECK(p99.text == "p99 < 200ms");
  CHECK(p99.threshold == doctest::Approx(0.2));
  REQUIRE(p99.rules.has_value());
  CHECK(p99.rules->interval == std::chrono::seconds(10));
  CHECK(p99.rules->failure_limit == 3);
  CHECK(p99.rules->max_failures == 4);  // from the stage
  CHECK(p99.rules->on_breach == OnBreach::notify);
  CHECK(p99.rules->on_inconclusive == OnInconclusive::ignore);
  CHECK(p99.rules->dry_run);
  CHECK_FALSE(acts(*p99.rules));
  CHECK(s.rules.failure_limit == 2);  // the stage is untouched
  CHECK_FALSE(s.rules.dry_run);
  // Its position is the expression's, so errors in it are still located.
  CHECK(p99.pos.line == 34);
}

TEST_CASE("a hold is extended only for gates that act") {
  auto l = load(edit(kGates,
                     "gates = [{ gate = \"error_rate < 1%\", dry_run = true }, "
                     "{ gate = \"p99 < 200ms\", on_breach = \"notify\" }]"));
  REQUIRE(l.ok());
  CHECK_FALSE(any_gate_acts(l.runbook->stages[0]));
  CHECK(max_extend_of(l.runbook->stages[0]) == Duration(0));
  auto slow = load(edit(kGates,
                        "interval = \"1m\"\ngates = [\"error_rate < 1%\", "
                        "{ gate = \"p99 < 200ms\", interval = \"2m\", min_measurements = 5 }]"));
  REQUIRE(slow.ok());
  // The longest over the acting gates: 2m x max(3 limits, 5 measurements).
  CHECK(max_extend_of(slow.runbook->stages[0]) == std::chrono::minutes(10));
}

TEST_CASE("gate table and rule mistakes are located, all of them") {
  auto l = load(edit(kGates,
                     "max_inconclusive = 0\ngates = [{ gate = \"p99 < 200ms\", dryrun = true }, "
                     "{ interval = \"5s\" }, { gate = \"p99 < 1s\", on_inconclusive = \"wait\" }, "
                     "{ gate = \"error_rate < 1%\", initial_delay = \"1h\" }, 42]"));
  CHECK_FALSE(l.ok());
  INFO(dump(l));
  CHECK(errors(l) == 6);
  const Diagnostic* d = find(l, "'max_inconclusive' must be between 1");
  REQUIRE(d);
  CHECK(d->pos.line == 32);
  d = find(l, "unknown key 'dryrun' in the gate's table (did you mean 'dry_run'?)");
  REQUIRE(d);
  CHECK(d->pos.line == 33);
  CHECK(d->pos.col == 34);
  CHECK(find(l, "a gate table needs 'gate'"));
  CHECK(find(l, "'on_inconclusive' cannot be \"wait\": expected rollback, pause or ignore"));
  CHECK(find(l, "'initial_delay' of 1h is not shorter than the stage's hold (1h)"));
  CHECK(find(l, "a gate must be a string like \"error_rate < 1%\" or a table"));
}

TEST_CASE("consecutive_successes without early_pass is a warning, not an error") {
  auto l = load(edit("hold = \"1h\"", "hold = \"1h\"\nconsecutive_successes = 3"));
  CHECK(l.ok());
  const Diagnostic* d = find(l, "'consecutive_successes' has no effect unless");
  REQUIRE(d);
  CHECK(d->severity == Diagnostic::Severity::warning);
}
