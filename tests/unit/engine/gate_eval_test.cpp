// Reading -> Outcome, and the consecutive counters with their `for` windows.
#include <cmath>
#include <limits>

#include <doctest/doctest.h>

#include "engine/gate_eval.hpp"

using namespace rollout;
using namespace std::chrono_literals;
using engine::evaluate;

namespace {
runbook::Gate lt(double t) {
  runbook::Gate g;
  g.check = "c";
  g.op = runbook::CompareOp::lt;
  g.threshold = t;
  return g;
}
Reading value(double v) {
  return Reading{Reading::Kind::value, v, ""};
}
}  // namespace

TEST_CASE("a finite value is compared with the threshold") {
  runbook::Check c;
  CHECK(evaluate(value(0.005), lt(0.01), c) == Outcome::pass);
  CHECK(evaluate(value(0.01), lt(0.01), c) == Outcome::fail);
  auto g = lt(0.01);
  g.op = runbook::CompareOp::le;
  CHECK(evaluate(value(0.01), g, c) == Outcome::pass);
  g.op = runbook::CompareOp::ge;
  CHECK(evaluate(value(0.001), g, c) == Outcome::fail);
}

TEST_CASE("a word is compared with the gate's word by == and !=, and with nothing else") {
  runbook::Check c;
  runbook::Gate eq;
  eq.op = runbook::CompareOp::eq;
  eq.word = "ok";
  runbook::Gate ne = eq;
  ne.op = runbook::CompareOp::ne;
  const Reading ok{Reading::Kind::value, 0, "/status = \"ok\"", "ok"};
  const Reading bad{Reading::Kind::value, 0, "/status = \"degraded\"", "degraded"};
  CHECK(evaluate(ok, eq, c) == Outcome::pass);
  CHECK(evaluate(bad, eq, c) == Outcome::fail);
  CHECK(evaluate(ok, ne, c) == Outcome::fail);
  CHECK(evaluate(bad, ne, c) == Outcome::pass);
  // A number where a word is expected, or a word where a number is: the check reads the
  // wrong thing, which is an error and never a verdict.
  std::string why;
  CHECK(evaluate(value(1), eq, c, std::nullopt, &why) == Outcome::error);
  CHECK(why == "expected ok, got a number");
  CHECK(evaluate(ok, lt(0.01), c, std::nullopt, &why) == Outcome::error);
  CHECK(why == "not a number: ok");
  // No data is still no data.
  CHECK(evaluate(Reading{Reading::Kind::empty, 0, ""}, eq, c) == c.no_data);
  // Numbers compare exactly with == and !=.
  runbook::Gate three = lt(3);
  three.op = runbook::CompareOp::eq;
  CHECK(evaluate(value(3), three, c) == Outcome::pass);
  CHECK(evaluate(value(2), three, c) == Outcome::fail);
}

TEST_CASE("NaN and infinities are inconclusive; empty follows no_data; errors are errors") {
  runbook::Check c;
  CHECK(evaluate(value(std::nan("")), lt(1), c) == Outcome::inconclusive);
  CHECK(evaluate(value(std::numeric_limits<double>::infinity()), lt(1), c) ==
        Outcome::inconclusive);
  CHECK(evaluate(value(-std::numeric_limits<double>::infinity()), lt(1), c) ==
        Outcome::inconclusive);
  CHECK(evaluate(Reading{Reading::Kind::empty, 0, ""}, lt(1), c) == Outcome::inconclusive);
  c.no_data = Outcome::fail;
  CHECK(evaluate(Reading{Reading::Kind::empty, 0, ""}, lt(1), c) == Outcome::fail);
  c.no_data = Outcome::pass;
  CHECK(evaluate(Reading{Reading::Kind::empty, 0, ""}, lt(1), c) == Outcome::pass);
  CHECK(evaluate(Reading{Reading::Kind::error, 0, "timeout"}, lt(1), c) == Outcome::error);
}

TEST_CASE("too few samples make a measurement inconclusive") {
  runbook::Check c;
  c.samples_query = "count";
  c.min_samples = 100;
  CHECK(evaluate(value(0), lt(1), c, value(99)) == Outcome::inconclusive);
  CHECK(evaluate(value(0), lt(1), c, value(100)) == Outcome::pass);
  CHECK(evaluate(value(5), lt(1), c, value(100)) == Outcome::fail);
  CHECK(evaluate(value(0), lt(1), c, Reading{Reading::Kind::error, 0, "x"}) == Outcome::error);
}

TEST_CASE("counters: separate, consecutive, a pass resets them") {
  runbook::GateRules st;
  st.failure_limit = 2;
  st.inconclusive_limit = 2;
  st.error_limit = 3;
  const auto g = lt(1);
  engine::GateTracker t;
  t.record(Outcome::fail, 0s, g);
  CHECK_FALSE(t.breached(st));
  t.record(Outcome::pass, 30s, g);
  t.record(Outcome::fail, 60s, g);
  CHECK_FALSE(t.breached(st));
  // Not knowing is not passing: an error between two failures keeps the fail count.
  t.record(Outcome::error, 90s, g);
  CHECK(t.fails() == 1);
  t.record(Outcome::fail, 120s, g);
  auto b = t.breached(st);
  REQUIRE(b);
  CHECK(b->counter == events::BreachCounter::failure);
  engine::GateTracker e;
  e.record(Outcome::error, 0s, g);
  e.record(Outcome::inconclusive, 1s, g);
  e.record(Outcome::error, 2s, g);
  e.record(Outcome::error, 3s, g);
  CHECK_FALSE(e.breached(st));
  e.record(Outcome::error, 4s, g);
  REQUIRE(e.breached(st));
  CHECK(e.breached(st)->counter == events::BreachCounter::error);
}

TEST_CASE("a `for` window: fails count only once sustained") {
  runbook::GateRules st;
  st.failure_limit = 1;
  auto g = lt(1);
  g.sustain = 10min;
  engine::GateTracker t;
  t.record(Outcome::fail, 0min, g);
  CHECK(t.fails() == 0);
  t.record(Outcome::fail, 9min, g);
  CHECK_FALSE(t.breached(st));
  t.record(Outcome::pass, 9min + 30s, g);
  t.record(Outcome::fail, 15min, g);
  t.record(Outcome::fail, 24min, g);
  CHECK_FALSE(t.breached(st));
  t.record(Outcome::fail, 25min, g);
  CHECK(t.breached(st));
}

TEST_CASE("an impossible value is an error, never a pass nor a fail") {
  // A negative error rate would pass `< 1%`; a ratio over 1 would fail `< 1%` for a wrong
  // reason. Both say the source is broken: error, with a detail that says why.
  auto check_of = [](runbook::Unit u) {
    runbook::Check c;
    c.unit = u;
    return c;
  };
  const auto ratio = check_of(runbook::Unit::ratio);
  std::string why;
  CHECK(evaluate(value(-1), lt(0.01), ratio, std::nullopt, &why) == Outcome::error);
  CHECK(why.find("impossible") != std::string::npos);
  CHECK(why.find("ratio") != std::string::npos);
  CHECK(evaluate(value(1.5), lt(0.01), ratio) == Outcome::error);
  CHECK(evaluate(value(1.0), lt(0.01), ratio) == Outcome::fail);  // 100 % is possible
  CHECK(evaluate(value(0.0), lt(0.01), ratio) == Outcome::pass);
  CHECK(evaluate(value(-0.001), lt(1), check_of(runbook::Unit::seconds)) == Outcome::error);
  CHECK(evaluate(value(-1), lt(1), check_of(runbook::Unit::bytes)) == Outcome::error);
  CHECK(evaluate(value(-1), lt(1), check_of(runbook::Unit::count)) == Outcome::error);
  CHECK(evaluate(value(3e9), lt(1), check_of(runbook::Unit::count)) == Outcome::fail);
  // A lower-bound gate (`> 100`) must not fail on -1 either: error, not a breach by failure.
  auto g = lt(100);
  g.op = runbook::CompareOp::gt;
  why.clear();
  CHECK(evaluate(value(-1), g, check_of(runbook::Unit::count), std::nullopt, &why) ==
        Outcome::error);
  CHECK(!why.empty());
}

TEST_CASE("a notify breach opens an episode: no new breach until a pass ends it") {
  runbook::GateRules st;
  st.failure_limit = 2;
  const auto g = lt(1);
  engine::GateTracker t;
  t.record(Outcome::fail, 0s, g);
  t.record(Outcome::fail, 30s, g);
  REQUIRE(t.breached(st));
  t.opened_episode();
  for (int i = 2; i < 10; ++i) {
    t.record(i % 3 ? Outcome::fail : Outcome::error, i * 30s, g);
    CHECK_FALSE(t.breached(st));
  }
  CHECK(t.in_episode());
  t.record(Outcome::pass, 5min, g);
  CHECK_FALSE(t.in_episode());
  t.record(Outcome::fail, 5min + 30s, g);
  CHECK_FALSE(t.breached(st));
  t.record(Outcome::fail, 6min, g);
  CHECK(t.breached(st));
}
