// The background [analysis] on the virtual clock: one set of counters from stage `from`'s
// weight to the end of stage `until`, measured across stage boundaries and during before
// steps; its failure budget spans stages; a dry-run gate never acts; an acting gate that
// is not passing holds a promotion up; a resume goes on counting where the journal was.
#include <doctest/doctest.h>

#include <algorithm>

#include "harness.hpp"

using namespace test;
using rollout::EventType;
using rollout::ExitCode;

namespace {

// Three 10-minute stages without gates of their own, and an analysis of the error rate
// every minute: rollback after 2 failures in a row or 3 in all (by default).
runbook::Runbook analysis_book(int failure_limit = 2, int max_failures = 3) {
  auto book = reference_book();
  for (auto& s : book.stages) {
    s.hold = 10min;
    s.gates.clear();
  }
  runbook::Analysis a;
  a.rules.interval = 1min;
  a.rules.failure_limit = failure_limit;
  a.rules.max_failures = max_failures;
  a.gates = {gate("error_rate", runbook::CompareOp::lt, 0.01, "error_rate < 1%")};
  a.from = "canary";
  a.until = "full";
  a.from_index = 0;
  a.until_index = 2;
  book.analysis = a;
  return book;
}

std::vector<Event> analysis_measurements(const Recorder& rec) {
  std::vector<Event> out;
  for (const auto& e : rec.of(EventType::gate_measured))
    if (to_json(e).value("analysis", false)) out.push_back(e);
  return out;
}

}  // namespace

TEST_CASE("a healthy analysis runs from the canary's weight to the end of the last stage") {
  Rig rig(analysis_book());
  rig.world.script("error_rate", value_at("canary", 0s, 0.001));
  CHECK(rig.start() == ExitCode::ok);
  const auto started = rig.rec.of(EventType::analysis_started);
  REQUIRE(started.size() == 1);
  CHECK(started[0].stage == "canary");
  // Started once the canary has its weight, not before its before steps.
  const auto weights = rig.rec.of(EventType::weight_set);
  REQUIRE(!weights.empty());
  CHECK(started[0].seq > weights[0].seq);
  const auto finished = rig.rec.of(EventType::analysis_finished);
  REQUIRE(finished.size() == 1);
  CHECK(finished[0].stage == "full");
  CHECK(to_json(finished[0])["passing"] == true);
  // One set of counters across the three stages: passes keep counting past each boundary.
  const auto m = analysis_measurements(rig.rec);
  REQUIRE(m.size() >= 29);
  CHECK(to_json(m.back())["passes"].get<int>() == static_cast<int>(m.size()));
  std::vector<std::string> stages;
  for (const auto& e : m)
    if (stages.empty() || stages.back() != e.stage) stages.push_back(e.stage);
  CHECK(stages == std::vector<std::string>{"canary", "ramp", "full"});
}

TEST_CASE("the analysis's failure budget spans stages") {
  Rig rig(analysis_book());
  // One failure per stage, never two in a row: only the budget (3 in all) can act.
  rig.world.script("error_rate", value_at("canary", 0s, 0.001));
  rig.world.script("error_rate", value_at("canary", 4min + 30s, 0.05));
  rig.world.script("error_rate", value_at("canary", 5min + 30s, 0.001));
  rig.world.script("error_rate", value_at("ramp", 4min + 30s, 0.05));
  rig.world.script("error_rate", value_at("ramp", 5min + 30s, 0.001));
  rig.world.script("error_rate", value_at("full", 4min + 30s, 0.05));
  rig.world.script("error_rate", value_at("full", 5min + 30s, 0.001));
  CHECK(rig.start() == ExitCode::rolled_back);
  const auto breaches = rig.rec.of(EventType::breach);
  REQUIRE(breaches.size() == 1);
  CHECK(breaches[0].stage == "full");
  const auto b = to_json(breaches[0]);
  CHECK(b["counter"] == "max_failures");
  CHECK(b["analysis"] == true);
  CHECK(b["action"] == "rollback");
  CHECK(rig.world.router().current() == Split{100, 0});
  CHECK_FALSE(rig.rec.has(EventType::analysis_finished));
}

TEST_CASE("the analysis is measured during a stage's before steps, and its breach ends them") {
  auto book = analysis_book();
  book.stages[1].before = {step(runbook::PauseStep{10min, std::nullopt, {}})};
  Rig rig(book);
  rig.world.script("error_rate", value_at("canary", 0s, 0.001));
  rig.world.script("error_rate", value_at("ramp", 0s, 0.05));
  CHECK(rig.start() == ExitCode::rolled_back);
  const auto breaches = rig.rec.of(EventType::breach);
  REQUIRE(breaches.size() == 1);
  CHECK(breaches[0].stage == "ramp");
  // Two failures a minute apart in the pause: it ends there, and ramp never gets its 10%.
  const auto ramp = rig.rec.of(EventType::stage_started)[1].t_ms;
  CHECK(breaches[0].t_ms - ramp <= Duration(2min + 1s).count());
  const auto history = rig.world.router().history();
  CHECK(
      std::none_of(history.begin(), history.end(), [](const Split& s) { return s.canary == 10; }));
  const auto steps = rig.rec.of(EventType::step_finished);
  REQUIRE(!steps.empty());
  CHECK(to_json(steps.back())["detail"].get<std::string>().find("analysis gate") !=
        std::string::npos);
}

TEST_CASE("a dry-run analysis gate measures and reports but never acts") {
  auto book = analysis_book();
  book.analysis->rules.dry_run = true;
  Rig rig(book);
  rig.world.script("error_rate", value_at("canary", 0s, 0.05));
  CHECK(rig.start() == ExitCode::ok);
  const auto breaches = rig.rec.of(EventType::breach);
  REQUIRE(breaches.size() == 1);  // once per episode
  CHECK(to_json(breaches[0])["action"] == "dry_run");
  CHECK(to_json(rig.rec.of(EventType::analysis_finished)[0])["passing"] == true);
}

TEST_CASE("an acting analysis gate not passing at the end of a hold holds the promotion up") {
  auto book = analysis_book(3, 0);
  Rig rig(book);
  rig.world.script("error_rate", value_at("canary", 0s, 0.001));
  // Failing at the end of the canary's hold, passing again two minutes later.
  rig.world.script("error_rate", value_at("canary", 9min + 30s, 0.05));
  rig.world.script("error_rate", value_at("canary", 11min + 30s, 0.001));
  CHECK(rig.start() == ExitCode::ok);
  const auto held = rig.rec.of(EventType::hold_started)[0].t_ms;
  const auto done = rig.rec.of(EventType::stage_completed)[0].t_ms;
  CHECK(done - held == Duration(12min).count());
  CHECK_FALSE(rig.rec.has(EventType::breach));
  SUBCASE("still failing when max_extend is over: a breach named after the analysis gate") {
    book.stages[0].max_extend = 90s;
    Rig failing(book);
    failing.world.script("error_rate", value_at("canary", 0s, 0.001));
    failing.world.script("error_rate", value_at("canary", 9min + 30s, 0.05));
    CHECK(failing.start() == ExitCode::rolled_back);
    const auto b = failing.rec.of(EventType::breach);
    REQUIRE(b.size() == 1);
    CHECK(to_json(b[0])["counter"] == "max_extend");
    CHECK(to_json(b[0])["analysis"] == true);
    // Two failures (not three in a row) when the 90 s are over.
    CHECK(b[0].t_ms - failing.rec.of(EventType::hold_started)[0].t_ms ==
          Duration(11min + 30s).count());
  }
}

TEST_CASE("the analysis starts at `from` and a resume goes on with its counters") {
  auto book = analysis_book(1, 0);
  book.analysis->from = "ramp";
  book.analysis->from_index = 1;
  book.analysis->rules.on_breach = runbook::OnBreach::pause;
  Rig rig(book);
  rig.world.script("error_rate", value_at("canary", 0s, 0.001));
  rig.world.script("error_rate", value_at("ramp", 4min + 30s, 0.05));
  rig.world.script("error_rate", value_at("ramp", 5min + 30s, 0.001));
  CHECK(rig.start() == ExitCode::paused);
  const auto first = analysis_measurements(rig.rec);
  REQUIRE(!first.empty());
  CHECK(first.front().stage == "ramp");
  CHECK(to_json(first.back())["total_fails"] == 1);
  CHECK(rig.resume(rollout::fakes::MemoryControl::advance()) == ExitCode::ok);
  const auto started = rig.rec.of(EventType::analysis_started);
  REQUIRE(started.size() == 2);
  CHECK(started[1].summary.find("resumed") != std::string::npos);
  const auto all = analysis_measurements(rig.rec);
  // The failure before the pause is still counted after the resume.
  CHECK(to_json(all.back())["total_fails"] == 1);
  CHECK(to_json(all.back())["passes"].get<int>() > to_json(first.back())["passes"].get<int>());
}
