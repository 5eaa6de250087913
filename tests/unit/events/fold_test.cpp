// The one fold: what a journal's events come to per stage, per gate and for the rollout.
#include "events/fold.hpp"

#include <cmath>

#include <doctest/doctest.h>

using namespace rollout;
using namespace rollout::events;

namespace {

// Events in order, t_ms counting up by the caller.
struct Log {
  Fold fold;
  explicit Log(FoldOptions o = {}) : fold(o) {}
  std::uint64_t seq = 0;
  Log& add(std::int64_t t_ms, std::string stage, Payload p, std::string summary = "") {
    Event e;
    e.type = type_of(p);
    e.payload = std::move(p);
    e.seq = ++seq;
    e.t_ms = t_ms;
    e.stage = std::move(stage);
    e.summary = std::move(summary);
    fold.apply(e);
    return *this;
  }
  Log& measure(std::int64_t t, std::optional<double> v, Outcome o, int fails = 0) {
    GateMeasured g;
    g.gate = "error_rate < 1%";
    g.check = "error_rate";
    g.query = "q";
    g.value = v;
    g.threshold = 0.01;
    g.op = "<";
    g.unit = "ratio";
    g.outcome = o;
    g.fails = fails;
    return add(t, "canary", g);
  }
  Log& start() {
    RolloutStarted s;
    s.name = "shop";
    s.by = "alice";
    s.stages = {{"canary", 1, 600000}, {"full", 100, 0}};
    add(0, "", s);
    return add(10, "canary", StageStarted{0, 1, 600000, 60000});
  }
};

}  // namespace

TEST_CASE("a gate's measurements: counts by outcome, extremes of finite values, the last") {
  Log log;
  log.start();
  log.measure(100, 0.002, Outcome::pass)
      .measure(200, std::nan(""), Outcome::inconclusive)
      .measure(300, 0.03, Outcome::fail, 1)
      .measure(400, std::nullopt, Outcome::inconclusive);
  const StageFold* st = log.fold.stage_named("canary");
  REQUIRE(st);
  REQUIRE(st->gates.size() == 1);
  const GateFold& g = st->gates[0];
  CHECK(g.measurements == 4);
  CHECK(g.pass == 1);
  CHECK(g.fail == 1);
  CHECK(g.inconclusive == 2);
  CHECK(g.error == 0);
  CHECK(g.min == 0.002);
  CHECK(g.max == 0.03);  // the NaN is neither
  CHECK_FALSE(g.last);   // no data last
  CHECK(g.last_outcome == Outcome::inconclusive);
  CHECK(g.first_not_passing == Outcome::inconclusive);
  CHECK(st->measurements == 4);
  CHECK(g.trend.size() == 4);
  REQUIRE(log.fold.queries.size() == 1);
  CHECK(log.fold.queries[0].second == "q");
}

TEST_CASE("a bounded trend keeps the latest values only") {
  Log log(FoldOptions{3});
  log.start();
  for (int i = 0; i < 10; ++i) log.measure(100 * (i + 1), i, Outcome::pass);
  const GateFold& g = log.fold.stage_named("canary")->gates[0];
  CHECK(g.measurements == 10);
  REQUIRE(g.trend.size() == 3);
  CHECK(g.trend.front().value == 7);
  CHECK(g.trend.back().t_ms == 1000);
  CHECK(g.max == 9);  // extremes cover every value, not just those kept
}

TEST_CASE("a breach marks its gate, keeps the last value, and the rollback the stage") {
  Log log;
  log.start();
  log.measure(100, 0.03, Outcome::fail, 1).measure(200, 0.04, Outcome::fail, 2);
  log.add(200, "canary", Breach{"error_rate < 1%", BreachCounter::failure, 2, {}, "rollback"});
  log.add(210, "", RollbackStarted{"gate breached", RollbackTrigger::breach, 300000});
  CHECK(log.fold.phase == Phase::rolling_back);
  log.add(700, "", RollbackStep{0, "weight", "weight 0", true, 400, 30000, 1, "", ""});
  log.add(710, "", RollbackFinished{true, 500, 300000, false, {}});
  log.add(720, "", Finished{FinishedOutcome::rolled_back, 1, "gate breached"});

  const Fold& f = log.fold;
  REQUIRE(f.breaches.size() == 1);
  CHECK(f.breaches[0].gate_known);
  CHECK(f.breaches[0].last == 0.04);
  CHECK(f.breaches[0].unit == "ratio");
  const StageFold& st = *f.stage_named("canary");
  CHECK(st.gates[0].breach.has_value());
  CHECK(st.outcome == StageOutcome::breached);
  CHECK(st.duration_ms == 200);  // from its start to the rollback
  CHECK(f.stage_named("full")->outcome == StageOutcome::not_reached);
  REQUIRE(f.rollback);
  CHECK(f.rollback->stage == "canary");
  REQUIRE(f.rollback->steps.size() == 1);
  CHECK(f.rollback->steps[0].t_ms == 700);
  REQUIRE(f.rollback->finished);
  CHECK(f.phase == Phase::finished);
  CHECK(f.finished->outcome == FinishedOutcome::rolled_back);
}

TEST_CASE("phases: hold, approval, advance by an operator, pause and resume") {
  Log log;
  log.start();
  log.add(20, "canary", HoldStarted{600000, 600000});
  CHECK(log.fold.phase == Phase::holding);
  CHECK(log.fold.hold_end_t_ms == 600020);
  log.add(600020, "canary", AwaitingApproval{60000});
  CHECK(log.fold.phase == Phase::awaiting_approval);
  CHECK(log.fold.approval_deadline_t_ms == 660020);
  log.add(600030, "canary", Paused{"awaiting approval"});
  log.add(600030, "", Finished{FinishedOutcome::paused, 4, "awaiting approval"});
  CHECK(log.fold.stage_named("canary")->outcome == StageOutcome::paused);
  // A resume runs again: the view and the report show it running, not how it last ended.
  RolloutStarted again;
  again.name = "shop";
  again.resumed = true;
  again.by = "bob";
  log.add(700000, "", again);
  CHECK(log.fold.phase == Phase::running);
  CHECK_FALSE(log.fold.finished.has_value());
  CHECK_FALSE(log.fold.finished_t_ms.has_value());
  log.add(700010, "canary", Advanced{"bob", 0});
  log.add(700020, "canary", StageCompleted{700000, 0});
  const StageFold& st = *log.fold.stage_named("canary");
  CHECK(st.outcome == StageOutcome::advanced);
  CHECK(st.advanced_by == "bob");
  REQUIRE(log.fold.actions.size() == 2);
  CHECK(log.fold.actions[0].action == "resume");
  CHECK(log.fold.actions[1].action == "advance");
  CHECK(log.fold.by == "alice");  // who started it
}

TEST_CASE("a stage a resume enters again keeps its first start, its time and its count") {
  Log log;
  log.start();  // canary starts at t=10
  log.measure(1000, 0.001, Outcome::pass).measure(2000, 0.001, Outcome::pass);
  // The runner was killed (nothing journaled); a resume enters the canary again.
  RolloutStarted again;
  again.name = "shop";
  again.resumed = true;
  log.add(2500, "", again);
  log.add(2500, "canary", StageStarted{0, 1, 600000, 60000});
  log.measure(3500, 0.001, Outcome::pass);
  // The engine counts only what its own run saw: 1 measurement in 1.5 s.
  log.add(4000, "canary", StageCompleted{1500, 1});
  const StageFold& st = *log.fold.stage_named("canary");
  CHECK(st.started_t_ms == 10);
  CHECK(st.duration_ms == 3990);
  CHECK(st.measurements == 3);
  CHECK(st.outcome == StageOutcome::passed);
  log.add(9000, "", Finished{FinishedOutcome::completed, 0, ""});
  CHECK(log.fold.finished_t_ms == 9000);
}
