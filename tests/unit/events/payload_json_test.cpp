// Each payload writes exactly the journal keys the engine always wrote, and reads them back.
#include <doctest/doctest.h>

#include "events/event.hpp"

using namespace rollout;
using nlohmann::json;

namespace {

// The keys and values of a payload's line, envelope left out.
json fields(const events::Payload& p) {
  return events::payload_to_json(p);
}

template <typename T>
T round_trip(const T& p) {
  return std::get<T>(events::payload_from_json(events::type_of(p), fields(p)));
}

}  // namespace

TEST_CASE("payload keys are the journal's") {
  using namespace events;
  CHECK(
      fields(RolloutStarted{"rb.toml", "api", true, false, "", "alice", {{"canary", 1, 600000}}}) ==
      json{{"runbook", "rb.toml"},
           {"name", "api"},
           {"dry_run", true},
           {"resumed", false},
           {"by", "alice"},
           {"stages", {{{"name", "canary"}, {"weight", 1}, {"hold_ms", 600000}}}}});
  CHECK(fields(StepFinished{StepPhase::after, 2, "run", "run ./smoke", false, 40, "exit 1", ""}) ==
        json{{"phase", "after"},
             {"index", 2},
             {"kind", "run"},
             {"description", "run ./smoke"},
             {"ok", false},
             {"duration_ms", 40},
             {"detail", "exit 1"}});
  CHECK(fields(Breach{"p99 < 200ms", BreachCounter::max_extend, 60, 60000, "rollback"}) ==
        json{{"gate", "p99 < 200ms"},
             {"counter", "max_extend"},
             {"limit", 60},
             {"max_extend_ms", 60000},
             {"action", "rollback"}});
  CHECK(fields(AwaitingApproval{}) == json{{"timeout_ms", nullptr}});
  CHECK(fields(Interrupted{"SIGTERM", InterruptAction::pause}) ==
        json{{"signal", "SIGTERM"}, {"action", "pause"}});
  CHECK(fields(RollbackStarted{"breach", RollbackTrigger::breach, 300000}) ==
        json{{"reason", "breach"}, {"trigger", "breach"}, {"budget_ms", 300000}});
  CHECK(fields(RollbackFinished{false, 900, 300000, false, {"kill canary"}}) ==
        json{{"ok", false},
             {"duration_ms", 900},
             {"budget_ms", 300000},
             {"over_budget", false},
             {"undone", {"kill canary"}}});
  CHECK(fields(Finished{FinishedOutcome::rolled_back, 3, "gate"}) ==
        json{{"outcome", "rolled_back"}, {"exit_code", 3}, {"reason", "gate"}});
}

TEST_CASE("payloads read back what they wrote") {
  using namespace events;
  const auto g = round_trip(GateMeasured{"error_rate < 1%", "error_rate", "sum(x)", 0.02, 0.01, "<",
                                         "ratio", Outcome::fail, "", 2, 0, 0});
  CHECK(g.value == 0.02);
  CHECK(g.outcome == Outcome::fail);
  CHECK(g.fails == 2);
  const auto s = round_trip(StageCompleted{1200, 4});
  CHECK(s.measurements == 4);
  const auto r = round_trip(RollbackStep{1, "kill", "kill canary", true, 30, 5000, 2, "", "ok"});
  CHECK(r.attempts == 2);
  CHECK(r.budget_ms == 5000);
  CHECK(r.output == "ok");
  const auto p = round_trip(Preflight{false, {{"router", false, "no answer"}}});
  REQUIRE(p.checks.size() == 1);
  CHECK(p.checks[0].detail == "no answer");
}

TEST_CASE("process_started and process_exited: their keys, and read back") {
  using namespace events;
  CHECK(fields(ProcessStarted{"run ./load.sh", 4242, 4242, true, std::nullopt, 5000}) ==
        json{{"description", "run ./load.sh"},
             {"pid", 4242},
             {"pgid", 4242},
             {"fail_on_exit", true},
             {"timeout_ms", nullptr},
             {"grace_ms", 5000}});
  const ProcessExited by_signal{"run ./load.sh", 4242, std::nullopt, 15, true, false, false, ""};
  CHECK(fields(by_signal) == json{{"description", "run ./load.sh"},
                                  {"pid", 4242},
                                  {"exit_code", nullptr},
                                  {"signal", 15},
                                  {"stopped", true},
                                  {"timed_out", false},
                                  {"leftover", false}});
  const auto back =
      round_trip(ProcessExited{"shell: x", 7, 3, 0, false, true, true, "load test failed\n"});
  CHECK(back.exit_code == 3);
  CHECK(back.timed_out);
  CHECK(back.leftover);
  CHECK(back.output == "load test failed\n");
  const auto started = round_trip(ProcessStarted{"d", 1, 2, false, 60000, 1000});
  CHECK(started.timeout_ms == 60000);
  CHECK(started.pgid == 2);
  CHECK_FALSE(round_trip(by_signal).exit_code.has_value());
}
