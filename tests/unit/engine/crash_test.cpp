// Crash safety: the process dies right after each single journal write of a whole
// rollout; a new engine then resumes (or aborts) from what the store holds, and the
// router ends in the state the journal says.
#include <doctest/doctest.h>

#include "harness.hpp"

using namespace test;
using rollout::EventType;
using rollout::ExitCode;

namespace {

// The last split the journal says the router confirmed.
std::optional<rollout::Split> journal_split(const std::vector<rollout::Event>& events) {
  std::optional<rollout::Split> s;
  for (const auto& e : events)
    if (e.type == EventType::weight_set && to_json(e).value("ok", false))
      s = rollout::Split{to_json(e)["stable"].get<int>(), to_json(e)["canary"].get<int>()};
  return s;
}

std::size_t events_of_whole_run(const rollout::runbook::Runbook& book, bool breach) {
  Rig rig(book);
  if (breach) rig.world.script("error_rate", value_at("ramp", 1min, 0.5));
  (void)rig.start();
  return rig.store.appends();
}

void crash_everywhere(const rollout::runbook::Runbook& book, bool breach) {
  const std::size_t total = events_of_whole_run(book, breach);
  REQUIRE(total > 20);
  for (std::size_t n = 1; n <= total; ++n) {
    CAPTURE(n);
    for (bool abort : {false, true}) {
      CAPTURE(abort);
      Rig rig(book);
      if (breach) rig.world.script("error_rate", value_at("ramp", 1min, 0.5));
      rig.store.crash_after(n);
      bool crashed = false;
      try {
        (void)rig.start();
      } catch (const rollout::fakes::SimulatedCrash&) {
        crashed = true;
      }
      REQUIRE(crashed);
      rig.store.crash_after(0);
      const auto pos = rig.position();
      ExitCode code;
      if (pos.final()) {
        code = static_cast<ExitCode>(pos.exit_code);
      } else if (abort) {
        code = rig.resume(rollout::fakes::MemoryControl::abort("after crash"));
      } else {
        code = rig.resume();
      }
      const auto events = rig.journal();
      const auto end = rollout::engine::replay(events);
      CHECK(end.final());
      if (!end.final())
        for (const auto& e : events) MESSAGE(rollout::to_json(e).dump());
      CHECK(static_cast<int>(code) == end.exit_code);
      // The router is where the journal says.
      const auto split = journal_split(events);
      if (split) {
        CHECK(rig.world.router().current() == *split);
      } else {
        CHECK(rig.world.router().current() == rollout::Split{100, 0});
      }
      if (end.outcome == rollout::events::FinishedOutcome::completed)
        CHECK(rig.world.router().current() == rollout::Split{0, 100});
      if (end.outcome == rollout::events::FinishedOutcome::aborted ||
          end.outcome == rollout::events::FinishedOutcome::rolled_back)
        CHECK(rig.world.router().current() == rollout::Split{100, 0});
      // Every journal line after a crash is still a well-formed event.
      CHECK(events.size() == rig.store.journal()->size());
    }
  }
}

}  // namespace

TEST_CASE("a crash after any journal write: resume or abort ends consistent (healthy run)") {
  crash_everywhere(small_book(), false);
}

TEST_CASE("a crash after any journal write: resume or abort ends consistent (breach in ramp)") {
  crash_everywhere(small_book(), true);
}

TEST_CASE("the journal is fsync'd at step boundaries, not on every gate measurement") {
  Rig rig(small_book());
  CHECK(rig.start() == ExitCode::ok);
  CHECK(rig.store.syncs() < rig.store.appends());
  CHECK(rig.store.syncs() > 10);
}
