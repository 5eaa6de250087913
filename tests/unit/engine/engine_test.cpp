// Whole rollouts on the virtual clock: promotion, breaches with each on_breach, for
// windows, limits, manual gates, operator requests, a failing rollback, interrupts.
#include <doctest/doctest.h>

#include "core/redact.hpp"
#include "harness.hpp"

using namespace test;
using rollout::EventType;
using rollout::ExitCode;

namespace {

std::vector<int> canary_weights(const std::vector<rollout::Split>& history) {
  std::vector<int> out;
  for (const auto& s : history) out.push_back(s.canary);
  return out;
}

}  // namespace

TEST_CASE("a healthy rollout goes 1% -> 10% -> 100% and completes") {
  Rig rig(reference_book());
  CHECK(rig.start() == ExitCode::ok);
  CHECK(canary_weights(rig.world.router().history()) == std::vector<int>{1, 10, 100});
  CHECK(rig.world.router().current() == rollout::Split{0, 100});
  // 54 hours of holds went by on the virtual clock.
  CHECK(rig.clock.now() >= Duration(54h));
  CHECK(rig.world.runs() == std::vector<std::string>{"./deploy.sh canary"});
  const auto finished = rig.rec.of(EventType::finished);
  REQUIRE(finished.size() == 1);
  CHECK(to_json(finished[0])["outcome"] == "completed");
  CHECK(rig.rec.of(EventType::stage_completed).size() == 3);
  // The journal holds every event the subscribers saw, in order.
  CHECK(rig.journal().size() == rig.rec.events.size());
  CHECK(rig.position().final());
  // Two gates every 30s through 2h + 4h, one gate through 48h.
  CHECK(rig.rec.of(EventType::gate_measured).size() == 2 * 240 + 2 * 480 + 5760);
}

TEST_CASE("a breach in each stage rolls back: weight 0 first, then kill, restart, stable health") {
  for (const char* stage : {"canary", "ramp"}) {
    CAPTURE(stage);
    Rig rig(reference_book());
    rig.world.script("error_rate", value_at(stage, 45min, 0.03));
    CHECK(rig.start() == ExitCode::rolled_back);
    CHECK(rig.world.router().current() == rollout::Split{100, 0});
    CHECK(rig.world.kills() == std::vector<std::string>{"name ultra_fast_analyzer"});
    const auto runs = rig.world.runs();
    CHECK(runs.back() == "npm run start:analyzer:original");
    const auto breach = rig.rec.of(EventType::breach);
    REQUIRE(breach.size() == 1);
    CHECK(breach[0].stage == stage);
    CHECK(to_json(breach[0])["counter"] == "failure");
    CHECK(to_json(breach[0])["action"] == "rollback");
    CHECK(breach[0].summary.find("breached: 2 failures in a row (limit 2)") != std::string::npos);
    // failure_limit = 2: the second consecutive failing measurement, at 45m30s.
    const auto fails = rig.rec.of(EventType::gate_measured);
    int failing = 0;
    for (const auto& e : fails) failing += to_json(e)["outcome"] == "fail";
    CHECK(failing == 2);
    const auto done = rig.rec.of(EventType::rollback_finished);
    REQUIRE(done.size() == 1);
    CHECK(to_json(done[0])["ok"] == true);
    CHECK(to_json(done[0])["undone"].empty());
    CHECK(rig.rec.of(EventType::rollback_step).size() == 4);
  }
}

TEST_CASE("on_breach = pause stops with exit 5 keeping the weights; advance continues") {
  auto book = reference_book();
  book.stages[1].rules.on_breach = rollout::runbook::OnBreach::pause;
  Rig rig(book);
  rig.world.script("error_rate", value_at("ramp", 1h, 0.03));
  rig.world.script("error_rate", value_at("ramp", 2h, 0.0001));
  CHECK(rig.start() == ExitCode::paused);
  CHECK(rig.world.router().current() == rollout::Split{90, 10});
  CHECK(rig.position().outcome == rollout::events::FinishedOutcome::paused);
  CHECK(rig.position().phase == rollout::engine::Phase::hold);
  // Someone decides the canary is fine: advance promotes past the rest of the ramp hold.
  CHECK(rig.resume(rollout::fakes::MemoryControl::advance()) == ExitCode::ok);
  CHECK(rig.world.router().current() == rollout::Split{0, 100});
  CHECK(rig.rec.of(EventType::advanced).size() == 1);
}

TEST_CASE("on_breach = notify tells once, and never extends the hold") {
  auto book = reference_book();
  book.stages[0].rules.on_breach = rollout::runbook::OnBreach::notify;
  Rig rig(book);
  rig.world.script("error_rate", value_at("canary", (1h + 50min), 0.03));
  rig.world.script("error_rate", value_at("ramp", 0s, 0.0001));
  CHECK(rig.start() == ExitCode::ok);
  const auto breaches = rig.rec.of(EventType::breach);
  CHECK(breaches.size() == 1);  // one episode: no new breach while the gate keeps failing
  CHECK(to_json(breaches[0])["action"] == "notify");
  // The canary stage ended with its 2h hold (and the seconds of its health step).
  const auto done = rig.rec.of(EventType::stage_completed);
  REQUIRE(done.size() == 3);
  CHECK(to_json(done[0])["duration_ms"].get<std::int64_t>() < Duration((2h + 1min)).count());
}

TEST_CASE("a `for` window: a short failure does not count, a sustained one does") {
  SUBCASE("30 minutes of failure in a `for 1h` gate is tolerated") {
    Rig rig(reference_book());
    rig.world.script("error_rate", value_at("full", 10h, 0.01));
    rig.world.script("error_rate", value_at("full", (10h + 30min), 0.0001));
    CHECK(rig.start() == ExitCode::ok);
    CHECK_FALSE(rig.rec.has(EventType::breach));
  }
  SUBCASE("a failure sustained past 1h breaches (on_breach = pause in full)") {
    Rig rig(reference_book());
    rig.world.script("error_rate", value_at("full", 10h, 0.01));
    CHECK(rig.start() == ExitCode::paused);
    const auto breach = rig.rec.of(EventType::breach);
    REQUIRE(breach.size() == 1);
    // failure_limit 2: the failures at 11h00 and 11h00m30s count; the breach is after 1h.
    const auto full_start = rig.rec.of(EventType::stage_started)[2].t_ms;
    const auto at = breach[0].t_ms - full_start;
    CHECK(at >= Duration(11h).count());
    CHECK(at <= Duration((11h + 1min)).count());
    CHECK(rig.world.router().current() == rollout::Split{0, 100});
  }
}

TEST_CASE("inconclusive and error limits fire on their own counters") {
  SUBCASE("no data, no_data = inconclusive, inconclusive_limit 3") {
    Rig rig(reference_book());
    rig.world.script("p99_latency", empty_at("canary", 10min));
    CHECK(rig.start() == ExitCode::rolled_back);
    const auto breach = rig.rec.of(EventType::breach);
    REQUIRE(breach.size() == 1);
    CHECK(to_json(breach[0])["counter"] == "inconclusive");
    CHECK(to_json(breach[0])["limit"] == 3);
  }
  SUBCASE("source errors, error_limit 3") {
    Rig rig(reference_book());
    rig.world.script("error_rate", error_at("ramp", 10min));
    CHECK(rig.start() == ExitCode::rolled_back);
    const auto breach = rig.rec.of(EventType::breach);
    REQUIRE(breach.size() == 1);
    CHECK(to_json(breach[0])["counter"] == "error");
    CHECK(breach[0].stage == "ramp");
  }
  SUBCASE("a limit of one says so in the singular") {
    auto book = reference_book();
    for (auto& st : book.stages) st.rules.failure_limit = 1;
    Rig rig(book);
    rig.world.script("error_rate", value_at("canary", 10min, 0.03));
    CHECK(rig.start() == ExitCode::rolled_back);
    const auto breach = rig.rec.of(EventType::breach);
    REQUIRE(breach.size() == 1);
    CHECK(breach[0].summary.find("breached: 1 failure in a row (limit 1)") != std::string::npos);
  }
  SUBCASE("NaN is inconclusive, never a pass") {
    Rig rig(reference_book());
    rig.world.script("error_rate", value_at("canary", 1min, std::nan("")));
    CHECK(rig.start() == ExitCode::rolled_back);
    CHECK(to_json(rig.rec.of(EventType::breach)[0])["counter"] == "inconclusive");
  }
}

TEST_CASE("a hold whose time is up keeps measuring until an erroring gate passes") {
  auto book = reference_book();
  book.stages[0].rules.error_limit = 1000;
  Rig rig(book);
  rig.world.script("error_rate", error_at("canary", (1h + 50min)));
  rig.world.script("error_rate", value_at("canary", (2h + 20min), 0.0001));
  CHECK(rig.start() == ExitCode::ok);
  const auto done = rig.rec.of(EventType::stage_completed);
  REQUIRE(!done.empty());
  CHECK(to_json(done[0])["duration_ms"].get<std::int64_t>() >= Duration((2h + 20min)).count());
}

TEST_CASE("manual gates") {
  auto book = reference_book();
  book.stages[0].advance = rollout::runbook::AdvanceMode::manual;
  SUBCASE("non-interactive: exit 5 at the gate, a later advance continues") {
    Rig rig(book);
    CHECK(rig.start() == ExitCode::paused);
    CHECK(rig.rec.has(EventType::awaiting_approval));
    CHECK(rig.world.router().current() == rollout::Split{99, 1});
    CHECK(rig.resume(rollout::fakes::MemoryControl::advance("ci@runner")) == ExitCode::ok);
    CHECK(rig.world.router().current() == rollout::Split{0, 100});
  }
  SUBCASE("interactive: an advance from another shell passes the gate") {
    Rig rig(book);
    rig.control.at(3h, rollout::fakes::MemoryControl::advance());
    rollout::engine::Options o;
    o.interactive = true;
    CHECK(rig.start(o) == ExitCode::ok);
    const auto adv = rig.rec.of(EventType::advanced);
    REQUIRE(adv.size() == 1);
    CHECK(to_json(adv[0])["by"] == "tester@test");
  }
  SUBCASE("interactive: approval timeout with on_timeout = rollback") {
    book.stages[0].approval_timeout = 30min;
    book.stages[0].on_timeout = rollout::runbook::OnTimeout::rollback;
    Rig rig(book);
    rollout::engine::Options o;
    o.interactive = true;
    CHECK(rig.start(o) == ExitCode::rolled_back);
    CHECK(to_json(rig.rec.of(EventType::rollback_started)[0])["trigger"] == "timeout");
    CHECK(rig.world.router().current() == rollout::Split{100, 0});
  }
  SUBCASE("interactive: approval timeout with on_timeout = pause") {
    book.stages[0].approval_timeout = 30min;
    book.stages[0].on_timeout = rollout::runbook::OnTimeout::pause;
    Rig rig(book);
    rollout::engine::Options o;
    o.interactive = true;
    CHECK(rig.start(o) == ExitCode::paused);
    CHECK(rig.world.router().current() == rollout::Split{99, 1});
  }
}

TEST_CASE("advance and abort during a hold") {
  SUBCASE("advance skips the rest of the hold") {
    Rig rig(reference_book());
    rig.control.at(30min, rollout::fakes::MemoryControl::advance());
    CHECK(rig.start() == ExitCode::ok);
    const auto adv = rig.rec.of(EventType::advanced);
    REQUIRE(adv.size() == 1);
    CHECK(adv[0].stage == "canary");
    // The canary hold started 2s in (three health polls a second apart).
    CHECK(to_json(adv[0])["skipped_ms"].get<std::int64_t>() == Duration(1h + 30min + 2s).count());
    CHECK(rig.clock.now() < Duration(53h));
  }
  SUBCASE("abort rolls back and exits 3") {
    Rig rig(reference_book());
    rig.control.at(3h, rollout::fakes::MemoryControl::abort("looks wrong"));
    CHECK(rig.start() == ExitCode::aborted);
    CHECK(rig.world.router().current() == rollout::Split{100, 0});
    const auto req = rig.rec.of(EventType::abort_requested);
    REQUIRE(req.size() == 1);
    CHECK(req[0].stage == "ramp");
    CHECK(to_json(req[0])["reason"] == "looks wrong");
    CHECK(to_json(rig.rec.of(EventType::rollback_started)[0])["trigger"] == "abort");
    CHECK(rig.position().outcome == rollout::events::FinishedOutcome::aborted);
  }
}

TEST_CASE("a failed step rolls back like a breach") {
  SUBCASE("deploy exits non-zero") {
    Rig rig(reference_book());
    rig.world.script_run({"deploy.sh", 1, -1, Duration(0)});
    CHECK(rig.start() == ExitCode::rolled_back);
    CHECK(to_json(rig.rec.of(EventType::rollback_started)[0])["trigger"] == "step_failed");
    CHECK(rig.world.router().history().back() == rollout::Split{100, 0});
  }
  SUBCASE("canary health never comes up within its deadline") {
    Rig rig(reference_book());
    rig.world.fail_health({"canary", "", Duration(0), std::nullopt});
    CHECK(rig.start() == ExitCode::rolled_back);
    const auto fin = rig.rec.of(EventType::step_finished);
    REQUIRE(!fin.empty());
    CHECK(to_json(fin.back())["ok"] == false);
    CHECK(to_json(fin.back())["kind"] == "health");
  }
  SUBCASE("the router refuses the stage weight") {
    Rig rig(reference_book());
    rig.world.router().refuse(10);
    CHECK(rig.start() == ExitCode::rolled_back);
    CHECK(rig.world.router().current() == rollout::Split{100, 0});
  }
}

TEST_CASE("a rollback step that keeps failing within its budget: exit 6, the rest listed undone") {
  Rig rig(reference_book());
  rig.world.script("error_rate", value_at("canary", 10min, 0.5));
  rig.world.router().refuse(0);  // the weight revert itself fails
  CHECK(rig.start() == ExitCode::rollback_failed);
  const auto step = rig.rec.of(EventType::rollback_step);
  REQUIRE(step.size() == 1);
  CHECK(to_json(step[0])["ok"] == false);
  CHECK(to_json(step[0])["attempts"].get<int>() > 1);  // retried with backoff
  CHECK(to_json(step[0])["duration_ms"].get<std::int64_t>() <= Duration(30s).count());
  const auto fin = rig.rec.of(EventType::rollback_finished);
  REQUIRE(fin.size() == 1);
  CHECK(to_json(fin[0])["undone"].size() == 4);
  CHECK(rig.position().outcome == rollout::events::FinishedOutcome::rollback_failed);
  // Nothing else was done while the traffic could not be moved back.
  CHECK(rig.world.kills().empty());
}

TEST_CASE("a rollback step that fails once is retried and the rollback succeeds") {
  Rig rig(reference_book());
  rig.world.script("error_rate", value_at("canary", 10min, 0.5));
  rig.world.router().refuse(0, 2);
  CHECK(rig.start() == ExitCode::rolled_back);
  CHECK(to_json(rig.rec.of(EventType::rollback_step)[0])["attempts"] == 3);
  CHECK(rig.world.router().current() == rollout::Split{100, 0});
}

TEST_CASE("interrupts") {
  SUBCASE("on_interrupt = pause keeps the weights and exits 130; resume finishes the hold") {
    Rig rig(reference_book());
    rig.control.at((2h + 30min), rollout::fakes::MemoryControl::interrupt());
    CHECK(rig.start() == ExitCode::interrupted);
    CHECK(rig.world.router().current() == rollout::Split{90, 10});
    const auto pos = rig.position();
    CHECK(pos.outcome == rollout::events::FinishedOutcome::interrupted);
    CHECK(pos.stage == 1);
    // 30 minutes into the 4h ramp hold (which began 2h2s in: health polls before canary).
    CHECK(pos.hold_remaining_ms == Duration(3h + 30min + 2s).count());
    const auto before = rig.clock.now();
    CHECK(rig.resume() == ExitCode::ok);
    const auto holds = rig.rec.of(EventType::hold_started);
    CHECK(to_json(holds.back())["remaining_ms"] == Duration(48h).count());
    CHECK(to_json(holds[holds.size() - 2])["remaining_ms"] == Duration(3h + 30min + 2s).count());
    CHECK(rig.clock.now() - before >= Duration(51h + 30min));
    CHECK(rig.clock.now() - before < Duration(51h + 31min));
  }
  SUBCASE("on_interrupt = rollback rolls back (exit 3)") {
    auto book = reference_book();
    book.rollout.on_interrupt = rollout::runbook::OnInterrupt::rollback;
    Rig rig(book);
    rig.control.at(1h, rollout::fakes::MemoryControl::interrupt());
    CHECK(rig.start() == ExitCode::aborted);
    CHECK(rig.world.router().current() == rollout::Split{100, 0});
  }
  SUBCASE("a second interrupt during the rollback stops it: exit 6, state says what is undone") {
    auto book = reference_book();
    book.rollout.on_interrupt = rollout::runbook::OnInterrupt::rollback;
    Rig rig(book);
    rig.world.fail_health({"stable", "", Duration(30min), std::nullopt});
    rig.control.at(1h, rollout::fakes::MemoryControl::interrupt());
    rig.control.at(1h + 10s, rollout::fakes::MemoryControl::interrupt());
    CHECK(rig.start() == ExitCode::rollback_failed);
    const auto pos = rig.position();
    CHECK(pos.outcome == rollout::events::FinishedOutcome::rollback_failed);
    REQUIRE(pos.undone.size() == 1);
    CHECK(pos.undone[0].rfind("health 'stable'", 0) == 0);
    CHECK(rig.world.router().current() == rollout::Split{100, 0});
  }
}

TEST_CASE("preflight refuses a split that is not 100/0 and touches nothing") {
  Rig rig(reference_book());
  REQUIRE(rig.world.router().set({90, 10}).ok());
  CHECK(rig.start() == ExitCode::usage);
  CHECK(rig.world.router().history().size() == 1);
  const auto pre = rig.rec.of(EventType::preflight);
  REQUIRE(pre.size() == 1);
  CHECK(to_json(pre[0])["ok"] == false);
  SUBCASE("--from ramp picks up where it stands") {
    Rig rig2(reference_book());
    REQUIRE(rig2.world.router().set({90, 10}).ok());
    rollout::engine::Options o;
    o.from_stage = "ramp";
    CHECK(rig2.start(o) == ExitCode::ok);
    CHECK(canary_weights(rig2.world.router().history()) == std::vector<int>{10, 10, 100});
  }
}

TEST_CASE("pause steps: a timed pause waits, an open one needs an advance") {
  auto book = small_book();
  rollout::runbook::PauseStep timed;
  timed.duration = 10min;
  rollout::runbook::PauseStep open;
  book.stages[1].before = {step(timed), step(open)};
  Rig rig(book);
  CHECK(rig.start() == ExitCode::paused);
  CHECK(rig.world.router().current() == rollout::Split{99, 1});
  CHECK(rig.resume(rollout::fakes::MemoryControl::advance()) == ExitCode::ok);
  // The timed pause was not run again.
  int timed_runs = 0;
  for (const auto& e : rig.rec.of(EventType::step_finished))
    timed_runs += to_json(e)["description"] == "pause 10m";
  CHECK(timed_runs == 1);
}

TEST_CASE("secrets never reach the journal or subscribers") {
  rollout::secrets().add("s3cr3t-token-value");
  auto book = small_book();
  rollout::runbook::RunStep notify;
  notify.argv = {"./notify.sh", "--token", "s3cr3t-token-value"};
  book.stages[0].after = {step(notify)};
  Rig rig(book);
  CHECK(rig.start() == ExitCode::ok);
  // The command really got the secret; nothing written or shown holds it.
  CHECK(rig.world.runs().back() == "./notify.sh --token s3cr3t-token-value");
  bool seen_step = false;
  const auto journal = rig.store.journal();
  REQUIRE(journal.ok());
  for (const auto& line : *journal) {
    CHECK(line.dump().find("s3cr3t") == std::string::npos);
    seen_step = seen_step || line.dump().find("./notify.sh --token ***") != std::string::npos;
  }
  CHECK(seen_step);
  for (const auto& e : rig.rec.events)
    CHECK(rollout::to_json(e).dump().find("s3cr3t") == std::string::npos);
}

TEST_CASE("an abort given to a process with no runner acts before the weight is touched") {
  auto book = reference_book();
  book.stages[0].advance = rollout::runbook::AdvanceMode::manual;
  Rig rig(book);
  CHECK(rig.start() == ExitCode::paused);
  const int sets = rig.world.router().set_calls();
  CHECK(rig.resume(rollout::fakes::MemoryControl::abort("no")) == ExitCode::aborted);
  // Exactly one more router call: the rollback's weight 0.
  CHECK(rig.world.router().set_calls() == sets + 1);
  CHECK(rig.world.router().current() == rollout::Split{100, 0});
}
