// How the engine acts when the store stops being trusted (lib/engine/trust.cpp): a journal
// that fails ends the rollout by rolling back (exit 6) and never moves toward the canary
// again; a lost lock stops everything; state.json follows the router; a resume does not
// trust a journal that disagrees with a router it can read.
#include <doctest/doctest.h>

#include "harness.hpp"

using namespace test;
using rollout::EventType;
using rollout::ExitCode;
using rollout::Split;

namespace {

std::optional<Split> split_of(const rollout::Event& e) {
  if (e.type != EventType::weight_set || !to_json(e).value("ok", false)) return std::nullopt;
  return Split{to_json(e)["stable"].get<int>(), to_json(e)["canary"].get<int>()};
}

// Calls `act` on the store when an event of `type` in `stage` is seen (after the journal).
struct Trigger : rollout::EventSink {
  Trigger(EventType t, std::string s, std::function<void()> a)
      : type(t), stage(std::move(s)), act(std::move(a)) {}
  void on_event(const rollout::Event& e) override {
    if (!fired && e.type == type && e.stage == stage) {
      fired = true;
      act();
    }
  }
  EventType type;
  std::string stage;
  std::function<void()> act;
  bool fired = false;
};

ExitCode start_with(Rig& rig, rollout::EventSink& extra) {
  rollout::engine::Engine e(rig.book, rig.expander, rig.ports(), {});
  e.subscribe(&rig.world);
  e.subscribe(&rig.rec);
  e.subscribe(&extra);
  return e.start();
}

}  // namespace

TEST_CASE(
    "a journal that fails at any write: no move toward the canary after it; rollback, exit 6") {
  const std::size_t total = [] {
    Rig rig(small_book());
    (void)rig.start();
    return rig.store.appends();
  }();
  REQUIRE(total > 20);
  for (std::size_t n = 1; n < total; ++n) {
    CAPTURE(n);
    Rig rig(small_book());
    rig.store.fail_appends_after(n);
    const ExitCode code = rig.start();
    // Events n+1.. could not be written (the recorder saw all of them); a weight_set record
    // comes after its move, so moves after record n+1 are the ones that must not happen.
    const auto& events = rig.rec.events;
    REQUIRE(events.size() > n);
    int canary_at_failure = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (auto s = split_of(events[i])) canary_at_failure = s->canary;
    for (std::size_t i = n + 1; i < events.size(); ++i)
      if (auto s = split_of(events[i])) CHECK(s->canary <= canary_at_failure);
    if (to_json(events.back()).value("outcome", "") == "completed") continue;  // failed at the end
    CHECK(code == ExitCode::rollback_failed);
    CHECK(rig.world.router().current() == Split{100, 0});
    CHECK(to_json(events.back()).value("outcome", "") == "journal_failed");
    CHECK(to_json(events.back()).value("reason", "").find("could not be recorded") !=
          std::string::npos);
    CHECK(rig.rec.has(EventType::rollback_finished));
  }
}

TEST_CASE("a journal write that fails once (the reserve made room): the rollback is recorded") {
  Rig rig(small_book());
  Trigger t(EventType::hold_started, "ramp", [&] {
    rig.store.fail_appends_after(rig.store.appends(), "No space left on device", 1);
  });
  CHECK(start_with(rig, t) == ExitCode::rollback_failed);
  CHECK(rig.world.router().current() == Split{100, 0});
  const auto pos = rig.position();
  CHECK(pos.outcome == rollout::events::FinishedOutcome::journal_failed);
  CHECK(pos.final());  // resume says it ended; status shows the rollback
  CHECK(pos.split == Split{100, 0});
  CHECK(pos.reason.find("journal") != std::string::npos);
  // The warning said so in one line.
  bool said = false;
  for (const auto& e : rig.rec.of(EventType::warning))
    said = said || e.summary.find(
                       "journal not durable (journal write failed: No space left on "
                       "device") == 0;
  CHECK(said);
}

TEST_CASE("a weight change toward the canary follows a synced record") {
  auto book = small_book();
  book.stages[1].before = {step(rollout::runbook::WeightStep{5})};
  Rig rig(book);
  CHECK(rig.start() == ExitCode::ok);
  const auto lines = *rig.store.journal();
  const auto synced = rig.store.sync_flags();
  REQUIRE(synced.size() == lines.size());
  int canary = 0, checked = 0;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (lines[i]["type"] != "weight_set") continue;
    const int c = lines[i]["canary"].get<int>();
    if (c > canary) {
      CAPTURE(lines[i - 1].dump());
      CHECK(synced[i - 1]);
      ++checked;
    }
    canary = c;
  }
  CHECK(checked == 4);  // 1, 5, 10, 100
}

TEST_CASE("a lost lock during a hold: the router is not touched again, nothing more is written") {
  Rig rig(small_book());
  std::size_t lines_then = 0;
  int sets_then = 0;
  Trigger t(EventType::hold_started, "ramp", [&] {
    rig.store.lose_lock("lock file replaced under the runner");
    lines_then = rig.store.appends();
    sets_then = rig.world.router().set_calls();
  });
  CHECK(start_with(rig, t) == ExitCode::rollback_failed);
  CHECK(rig.world.router().set_calls() == sets_then);
  CHECK(rig.world.router().current() == Split{90, 10});
  CHECK(rig.store.appends() == lines_then);
  REQUIRE(rig.rec.has(EventType::warning));
  CHECK(rig.rec.of(EventType::warning).back().summary.find("lock lost") == 0);
  CHECK(to_json(rig.rec.events.back()).value("outcome", "") == "lock_lost");
}

TEST_CASE("a lost lock during a rollback stops the rollback") {
  Rig rig(small_book());
  rig.world.script("error_rate", value_at("ramp", 1min, 0.5));
  Trigger t(EventType::rollback_step, "", [&] { rig.store.lose_lock("lock file deleted"); });
  CHECK(start_with(rig, t) == ExitCode::rollback_failed);
  CHECK(rig.rec.of(EventType::rollback_step).size() == 1);  // weight 0 done, then stopped
  CHECK_FALSE(rig.rec.has(EventType::rollback_finished));
}

TEST_CASE("state.json follows every step, the rollback's included") {
  for (bool breach : {false, true}) {
    CAPTURE(breach);
    const std::size_t total = [&] {
      Rig rig(small_book());
      if (breach) rig.world.script("error_rate", value_at("ramp", 1min, 0.5));
      (void)rig.start();
      return rig.store.appends();
    }();
    for (std::size_t n = 1; n <= total; ++n) {
      CAPTURE(n);
      Rig rig(small_book());
      if (breach) rig.world.script("error_rate", value_at("ramp", 1min, 0.5));
      rig.store.crash_after(n);
      try {
        (void)rig.start();
      } catch (const rollout::fakes::SimulatedCrash&) {
      }
      const auto events = rig.journal();
      // The one moment they may differ: killed between the weight_set record and state.json.
      if (events.back().type == EventType::weight_set) continue;
      const auto state = *rig.store.load_state();
      if (!state) continue;  // killed before the first state.json
      const Split saved{(*state)["split"]["stable"].get<int>(),
                        (*state)["split"]["canary"].get<int>()};
      CHECK(saved == rig.world.router().current());
    }
  }
}

TEST_CASE("resume: a router that reads less canary than the journal says is not moved toward it") {
  Rig rig(small_book());
  Trigger t(EventType::hold_started, "ramp",
            [&] { rig.store.crash_after(rig.store.appends() + 1); });
  try {
    (void)start_with(rig, t);
  } catch (const rollout::fakes::SimulatedCrash&) {
  }
  rig.store.crash_after(0);
  REQUIRE(rig.position().split == Split{90, 10});
  REQUIRE(rig.world.router().set({100, 0}).ok());  // a rollback whose records were lost
  const int sets = rig.world.router().set_calls();
  CHECK(rig.resume() == ExitCode::rollback_failed);
  CHECK(rig.world.router().set_calls() == sets);
  CHECK(rig.position().outcome == rollout::events::FinishedOutcome::uncertain);
  CHECK_FALSE(rig.position().final());  // abort still works
  CHECK(rig.resume(rollout::fakes::MemoryControl::abort("after")) == ExitCode::aborted);
  CHECK(rig.world.router().current() == Split{100, 0});
}

TEST_CASE("resume on a damaged journal with an abort rolls back from the first step") {
  Rig rig(small_book());
  rig.world.script("error_rate", value_at("ramp", 1min, 0.5));
  Trigger t(EventType::rollback_step, "", [&] { rig.store.crash_after(rig.store.appends() + 2); });
  try {
    (void)start_with(rig, t);
  } catch (const rollout::fakes::SimulatedCrash&) {
  }
  rig.store.crash_after(0);
  REQUIRE(rig.position().phase == rollout::engine::Phase::rollback);
  REQUIRE(rig.position().step >= 1);
  rollout::engine::Options opts;
  opts.journal_damage = "line 7 of journal.jsonl (not a JSON line)";
  rig.rec.events.clear();
  CHECK(rig.resume(rollout::fakes::MemoryControl::abort("damaged"), opts) != ExitCode::usage);
  const auto steps = rig.rec.of(EventType::rollback_step);
  REQUIRE_FALSE(steps.empty());
  CHECK(to_json(steps.front())["index"] == 0);
  CHECK(rig.rec.of(EventType::warning).front().summary.find("journal damaged at line 7") == 0);
  CHECK(rig.world.router().current() == Split{100, 0});
}
