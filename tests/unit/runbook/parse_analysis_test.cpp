// Tests for runbook/parse_analysis: [analysis] with its gates, rules and span (from, until
// and their defaults), and its mistakes located with a did-you-mean.
#include <doctest/doctest.h>

#include "helpers.hpp"

using namespace rbtest;

namespace {

// kBase with a first stage that sends no traffic, and `analysis` appended.
std::string with_analysis(const std::string& analysis) {
  return edit("[[stage]]\nname = \"canary\"",
              "[[stage]]\nname = \"deploy\"\nweight = 0\nhold = \"0s\"\n\n[[stage]]\nname = "
              "\"canary\"") +
         "\n[analysis]\n" + analysis;
}

}  // namespace

TEST_CASE("[analysis]: gates, rules, and a span from the first stage with traffic to the end") {
  auto l = load(with_analysis(
      "interval = \"1m\"\nfailure_limit = 2\nmax_failures = 5\non_breach = \"pause\"\n"
      "gates = [\"error_rate < 1%\", { gate = \"p99 < 200ms\", dry_run = true }]\n"));
  INFO(dump(l));
  REQUIRE(l.ok());
  REQUIRE(l.runbook->analysis.has_value());
  const Analysis& a = *l.runbook->analysis;
  CHECK(a.from == "canary");
  CHECK(a.from_index == 1);
  CHECK(a.until == "full");
  CHECK(a.until_index == 2);
  CHECK(a.rules.interval == std::chrono::minutes(1));
  CHECK(a.rules.failure_limit == 2);
  CHECK(a.rules.max_failures == 5);
  CHECK(a.rules.on_breach == OnBreach::pause);
  REQUIRE(a.gates.size() == 2);
  CHECK(a.gates[0].threshold == doctest::Approx(0.01));
  CHECK_FALSE(a.gates[0].rules.has_value());
  REQUIRE(a.gates[1].rules.has_value());
  CHECK(a.gates[1].rules->dry_run);
  CHECK(a.gates[1].rules->max_failures == 5);  // from [analysis]
  CHECK(covers(a, 1));
  CHECK_FALSE(covers(a, 0));
  // A runbook without one has none.
  CHECK_FALSE(load(kBase).runbook->analysis.has_value());
}

TEST_CASE("[analysis] from and until name stages, in order") {
  auto l = load(with_analysis("from = \"full\"\nuntil = \"full\"\ngates = [\"p99 < 1s\"]\n"));
  REQUIRE(l.ok());
  CHECK(l.runbook->analysis->from_index == 2);
  CHECK(l.runbook->analysis->until_index == 2);
  auto backwards =
      load(with_analysis("from = \"full\"\nuntil = \"canary\"\ngates = [\"p99 < 1s\"]\n"));
  CHECK_FALSE(backwards.ok());
  CHECK(find(backwards, "until = \"canary\" comes before from = \"full\""));
}

TEST_CASE("[analysis] mistakes are located, all of them") {
  auto l = load(with_analysis(
      "from = \"canry\"\nfailure_limt = 2\nmin_measurements = 3\ngates = [\"eror_rate < 1%\"]\n"));
  CHECK_FALSE(l.ok());
  INFO(dump(l));
  const Diagnostic* d = find(l, "no stage has that name (did you mean 'canary'?)");
  REQUIRE(d);
  const int from_line = d->pos.line;
  CHECK(d->pos.col == 8);
  d = find(l, "unknown key 'failure_limt' in [analysis] (did you mean 'failure_limit'?)");
  REQUIRE(d);
  CHECK(d->pos.line == from_line + 1);
  d = find(l, "'min_measurements' does not apply to [analysis]");
  REQUIRE(d);
  CHECK(d->pos.line == from_line + 2);
  CHECK(find(l, "eror_rate"));
  CHECK(find(load(with_analysis("interval = \"1m\"\n")), "[analysis] needs gates"));
  CHECK(find(load(with_analysis("gates = []\n")), "[analysis] gates is empty"));
  CHECK(find(load("analysis = 3\n" + kBase), "'analysis' must be a table"));
}
