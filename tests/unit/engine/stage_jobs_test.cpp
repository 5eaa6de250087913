// Background run steps on the virtual clock (the rehearsal's process control: nothing is
// started; a [[run]] rule says when one exits): an exit with fail_on_exit rolls back, one
// that runs on is stopped when the stage's hold ends, before its after steps; a timeout
// stops it; a resume closes what the journal left open.
#include <doctest/doctest.h>

#include "harness.hpp"

using namespace test;
using rollout::EventType;
using rollout::ExitCode;

namespace {

runbook::Runbook load_test_book(bool fail_on_exit) {
  auto book = reference_book();
  runbook::RunStep load;
  load.argv = {"./loadtest.sh", "--rps", "50"};
  load.background = true;
  load.fail_on_exit = fail_on_exit;
  book.stages[0].before.push_back(step(load));
  runbook::RunStep after;
  after.argv = {"./after-canary.sh"};
  book.stages[0].after = {step(after)};
  return book;
}

std::size_t index_of(const std::vector<Event>& events, EventType t, std::size_t from = 0) {
  for (std::size_t i = from; i < events.size(); ++i)
    if (events[i].type == t) return i;
  return events.size();
}

}  // namespace

TEST_CASE("a background step that fails with fail_on_exit rolls back, like a breach") {
  Rig rig(load_test_book(true));
  rig.world.script_run({"loadtest.sh", 3, -1, 10min});
  CHECK(rig.start() == ExitCode::rolled_back);
  CHECK(rig.world.router().current() == Split{100, 0});
  const auto started = rig.rec.of(EventType::process_started);
  REQUIRE(started.size() == 1);
  CHECK(to_json(started[0])["fail_on_exit"] == true);
  const auto exited = rig.rec.of(EventType::process_exited);
  REQUIRE(exited.size() == 1);
  const auto x = to_json(exited[0]);
  CHECK(x["exit_code"] == 3);
  CHECK(x["stopped"] == false);
  CHECK(exited[0].stage == "canary");
  const auto rb = rig.rec.of(EventType::rollback_started);
  REQUIRE(rb.size() == 1);
  CHECK(to_json(rb[0])["trigger"] == "breach");
  CHECK(to_json(rb[0])["reason"].get<std::string>().find("exited 3") != std::string::npos);
  // Seen at the next wake of the hold: within one interval of the exit.
  const auto hold = rig.rec.of(EventType::hold_started)[0].t_ms;
  CHECK(exited[0].t_ms - hold >= Duration(10min - 5s).count());
  CHECK(exited[0].t_ms - hold <= Duration(10min + 30s).count());
  CHECK_FALSE(rig.rec.has(EventType::stage_completed));
}

TEST_CASE("a background step that exits 0, or fails without fail_on_exit, is only reported") {
  for (int code : {0, 3}) {
    CAPTURE(code);
    Rig rig(load_test_book(false));
    rig.world.script_run({"loadtest.sh", code, -1, 10min});
    CHECK(rig.start() == ExitCode::ok);
    const auto exited = rig.rec.of(EventType::process_exited);
    REQUIRE(exited.size() == 1);
    CHECK(to_json(exited[0])["exit_code"] == code);
  }
}

TEST_CASE("a background step that runs on is stopped when the hold ends, before after steps") {
  Rig rig(load_test_book(true));
  CHECK(rig.start() == ExitCode::ok);
  CHECK(rig.world.runs() == std::vector<std::string>{"./deploy.sh canary",
                                                     "./loadtest.sh --rps 50 &",
                                                     "./after-canary.sh"});
  const auto& ev = rig.rec.events;
  const auto exited = index_of(ev, EventType::process_exited);
  REQUIRE(exited < ev.size());
  CHECK(to_json(ev[exited])["stopped"] == true);
  CHECK(ev[exited].stage == "canary");
  // After the last gate measurement of the canary hold, before the after step.
  const auto after_step = index_of(ev, EventType::step_started, exited);
  REQUIRE(after_step < ev.size());
  CHECK(to_json(ev[after_step])["phase"] == "after");
  const auto hold = rig.rec.of(EventType::hold_started)[0].t_ms;
  CHECK(ev[exited].t_ms - hold >= Duration(2h).count());
  CHECK(rig.rec.of(EventType::process_exited).size() == 1);
}

TEST_CASE("a background step's timeout stops it; with fail_on_exit that is a failure") {
  auto book = load_test_book(true);
  auto& run = std::get<runbook::RunStep>(book.stages[0].before.back().action);
  run.timeout = 20min;
  run.timeout_given = true;
  Rig rig(book);
  CHECK(rig.start() == ExitCode::rolled_back);
  const auto exited = rig.rec.of(EventType::process_exited);
  REQUIRE(exited.size() == 1);
  CHECK(to_json(exited[0])["timed_out"] == true);
  const auto hold = rig.rec.of(EventType::hold_started)[0].t_ms;
  // Woken at the timeout itself, not at the next measurement.
  CHECK(exited[0].t_ms - hold <= Duration(20min).count());
  CHECK(exited[0].t_ms - hold >= Duration(20min - 5s).count());
}

TEST_CASE("a pause exit and an abort stop the background step first") {
  SUBCASE("abort") {
    Rig rig(load_test_book(false));
    rig.control.at(30min, fakes::MemoryControl::abort("no"));
    CHECK(rig.start() == ExitCode::aborted);
    const auto& ev = rig.rec.events;
    const auto rb = index_of(ev, EventType::rollback_started);
    const auto exited = index_of(ev, EventType::process_exited);
    const auto first_rb_step = index_of(ev, EventType::rollback_step);
    CHECK(rb < exited);
    CHECK(exited < first_rb_step);
    CHECK(to_json(ev[exited])["stopped"] == true);
  }
  SUBCASE("breach with on_breach = pause") {
    auto book = load_test_book(false);
    book.stages[0].rules.on_breach = runbook::OnBreach::pause;
    Rig rig(book);
    rig.world.script("error_rate", value_at("canary", 45min, 0.03));
    CHECK(rig.start() == ExitCode::paused);
    const auto exited = rig.rec.of(EventType::process_exited);
    REQUIRE(exited.size() == 1);
    CHECK(to_json(exited[0])["stopped"] == true);
  }
}

TEST_CASE("a resume into the hold starts the background step again") {
  auto book = load_test_book(false);
  book.stages[0].rules.on_breach = runbook::OnBreach::pause;
  Rig rig(book);
  rig.world.script("error_rate", value_at("canary", 45min, 0.03));
  rig.world.script("error_rate", value_at("canary", 46min, 0.0001));
  CHECK(rig.start() == ExitCode::paused);
  CHECK(rig.resume() == ExitCode::ok);
  CHECK(rig.rec.of(EventType::process_started).size() == 2);
  CHECK(rig.rec.of(EventType::process_exited).size() == 2);
}

TEST_CASE("on_breach = notify: a failed background step is reported and the stage goes on") {
  auto book = load_test_book(true);
  book.stages[0].rules.on_breach = runbook::OnBreach::notify;
  Rig rig(book);
  rig.world.script_run({"loadtest.sh", 3, -1, 10min});
  CHECK(rig.start() == ExitCode::ok);
  const auto exited = rig.rec.of(EventType::process_exited);
  REQUIRE(exited.size() == 1);
  CHECK(to_json(exited[0])["exit_code"] == 3);
  CHECK_FALSE(rig.rec.has(EventType::rollback_started));
  // The hold ran its whole 2h.
  const auto done = rig.rec.of(EventType::stage_completed);
  REQUIRE(done.size() == 3);
  CHECK(to_json(done[0])["duration_ms"].get<std::int64_t>() >= Duration(2h).count());
}
