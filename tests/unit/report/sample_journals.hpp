// Synthetic journals for the report and view tests: a promotion, a rollback after a
// breach, an operator's abort. Shaped like the engine's events (events/payloads.hpp).
#pragma once

#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "events/event.hpp"

namespace rollout::testing {

class JournalBuilder {
 public:
  JournalBuilder()
      : t0_(std::chrono::sys_days{std::chrono::year{2026} / 11 / 26} + std::chrono::hours{8}) {}

  JournalBuilder& add(EventType type, std::int64_t t_ms, std::string stage, std::string summary,
                      nlohmann::json data = nlohmann::json::object()) {
    // Read as a journal line is, so a journal written by an older version reads the same.
    nlohmann::json line = std::move(data);
    line["type"] = std::string(to_string(type));
    line["seq"] = events_.size() + 1;
    line["t_ms"] = t_ms;
    line["stage"] = std::move(stage);
    line["summary"] = std::move(summary);
    Event e;
    REQUIRE(from_json(line, e));
    e.time = t0_ + std::chrono::milliseconds(t_ms);
    events_.push_back(std::move(e));
    return *this;
  }

  JournalBuilder& start(bool dry_run = false) {
    return add(EventType::rollout_started, 0, "", "rollout analyzer started",
               {{"runbook", "runbooks/analyzer.toml"},
                {"name", "analyzer"},
                {"dry_run", dry_run},
                {"resumed", false},
                {"by", "alice"},
                {"stages",
                 {{{"name", "canary"}, {"weight", 1}, {"hold_ms", 600000}},
                  {{"name", "ramp"}, {"weight", 10}, {"hold_ms", 1200000}},
                  {{"name", "full"}, {"weight", 100}, {"hold_ms", 0}}}}});
  }

  JournalBuilder& stage(int index, const std::string& name, int weight, std::int64_t t,
                        std::int64_t hold_ms) {
    add(EventType::stage_started, t, name, "stage " + name + " started",
        {{"index", index}, {"weight", weight}, {"hold_ms", hold_ms}, {"interval_ms", 60000}});
    add(EventType::weight_set, t + 100, name,
        "traffic " + std::to_string(100 - weight) + "/" + std::to_string(weight),
        {{"stable", 100 - weight}, {"canary", weight}, {"ok", true}});
    return add(EventType::hold_started, t + 200, name, "holding",
               {{"hold_ms", hold_ms}, {"remaining_ms", hold_ms}});
  }

  JournalBuilder& measure(const std::string& stage, std::int64_t t, double value,
                          const std::string& outcome, int fails = 0) {
    return add(EventType::gate_measured, t, stage, "error_rate " + std::to_string(value),
               {{"gate", "error_rate < 1%"},
                {"check", "error_rate"},
                {"query", "sum(rate(errors{version=\"canary\"}[1m]))"},
                {"value", value},
                {"threshold", 0.01},
                {"op", "<"},
                {"unit", "ratio"},
                {"outcome", outcome},
                {"fails", fails},
                {"inconclusives", 0},
                {"errors", 0}});
  }

  // Like the engine, rollback and finished events carry no stage.
  JournalBuilder& rollback(std::int64_t t, const std::string& trigger, const std::string& reason) {
    add(EventType::rollback_started, t, "", "rolling back: " + reason,
        {{"reason", reason}, {"trigger", trigger}, {"budget_ms", 300000}});
    add(EventType::rollback_step, t + 400, "", "traffic back to stable",
        {{"index", 0},
         {"kind", "weight"},
         {"description", "weight 0"},
         {"ok", true},
         {"duration_ms", 400},
         {"budget_ms", 30000},
         {"attempts", 1}});
    add(EventType::rollback_step, t + 12400, "", "killed ultra_fast_analyzer",
        {{"index", 1},
         {"kind", "kill"},
         {"description", "kill ultra_fast_analyzer (TERM)"},
         {"ok", true},
         {"duration_ms", 12000},
         {"budget_ms", 60000},
         {"attempts", 1}});
    add(EventType::rollback_step, t + 15400, "", "stable healthy",
        {{"index", 2},
         {"kind", "health"},
         {"description", "health stable"},
         {"ok", true},
         {"duration_ms", 3000},
         {"budget_ms", 60000},
         {"attempts", 1}});
    return add(EventType::rollback_finished, t + 15400, "", "rollback finished",
               {{"ok", true},
                {"duration_ms", 15400},
                {"budget_ms", 300000},
                {"over_budget", false},
                {"undone", nlohmann::json::array()}});
  }

  const std::vector<Event>& events() const { return events_; }

 private:
  std::chrono::system_clock::time_point t0_;
  std::vector<Event> events_;
};

// canary and ramp pass; full is reached and completes.
inline std::vector<Event> promotion() {
  JournalBuilder j;
  j.start().stage(0, "canary", 1, 1000, 600000);
  for (int i = 1; i <= 10; ++i) j.measure("canary", 1000 + i * 60000, 0.001 * i, "pass");
  j.add(EventType::stage_completed, 601200, "canary", "stage canary passed",
        {{"duration_ms", 600200}, {"measurements", 10}});
  j.stage(1, "ramp", 10, 601300, 1200000);
  for (int i = 1; i <= 20; ++i) j.measure("ramp", 601300 + i * 60000, 0.002, "pass");
  j.add(EventType::stage_completed, 1801500, "ramp", "stage ramp passed",
        {{"duration_ms", 1200200}, {"measurements", 20}});
  j.stage(2, "full", 100, 1801600, 0);
  j.add(EventType::stage_completed, 1801900, "full", "stage full passed",
        {{"duration_ms", 300}, {"measurements", 0}});
  j.add(EventType::completed, 1802000, "", "rollout completed", {{"duration_ms", 1802000}});
  j.add(EventType::finished, 1802000, "", "completed",
        {{"outcome", "completed"}, {"exit_code", 0}, {"reason", ""}});
  return j.events();
}

// The runner is killed in the ramp's hold; a resume enters the ramp again, an operator
// advances it, and the rollout completes. The journal as the engine writes it.
inline std::vector<Event> resumed_then_advanced() {
  JournalBuilder j;
  j.start().stage(0, "canary", 1, 1000, 600000);
  for (int i = 1; i <= 10; ++i) j.measure("canary", 1000 + i * 60000, 0.001, "pass");
  j.add(EventType::stage_completed, 601200, "canary", "stage canary passed",
        {{"duration_ms", 600200}, {"measurements", 10}});
  j.stage(1, "ramp", 10, 601300, 1200000);
  for (int i = 1; i <= 5; ++i) j.measure("ramp", 601300 + i * 60000, 0.002, "pass");
  // SIGKILL: nothing more from that run. The resume goes on from the engine's clock.
  j.add(EventType::rollout_started, 901400, "", "resuming analyzer at ramp",
        {{"runbook", "runbooks/analyzer.toml"},
         {"name", "analyzer"},
         {"dry_run", false},
         {"resumed", true},
         {"by", "bob"},
         {"from_stage", ""}});
  j.stage(1, "ramp", 10, 901400, 1200000);
  j.measure("ramp", 961400, 0.002, "pass");
  j.add(EventType::advanced, 961500, "ramp", "advanced by bob",
        {{"by", "bob"}, {"skipped_ms", 840000}});
  j.add(EventType::stage_completed, 961600, "ramp", "stage ramp passed",
        {{"duration_ms", 60200}, {"measurements", 1}});
  j.stage(2, "full", 100, 961700, 0);
  j.add(EventType::stage_completed, 961900, "full", "stage full passed",
        {{"duration_ms", 200}, {"measurements", 0}});
  j.add(EventType::completed, 962000, "", "rollout completed", {{"duration_ms", 60600}});
  j.add(EventType::finished, 962000, "", "completed",
        {{"outcome", "completed"}, {"exit_code", 0}, {"reason", ""}});
  return j.events();
}

// The canary's error rate climbs past 1 % twice in a row: breach, rollback, exit 1.
inline std::vector<Event> rollback_after_breach() {
  JournalBuilder j;
  j.start().stage(0, "canary", 1, 1000, 600000);
  j.measure("canary", 61000, 0.004, "pass");
  j.measure("canary", 121000, 0.025, "fail", 1);
  j.measure("canary", 181000, 0.031, "fail", 2);
  j.add(
      EventType::breach, 181000, "canary", "error_rate < 1% breached: 3.1%",
      {{"gate", "error_rate < 1%"}, {"counter", "failure"}, {"limit", 2}, {"action", "rollback"}});
  const std::string why = "gate 'error_rate < 1%' breached: 2 failures in a row (limit 2)";
  j.rollback(181100, "breach", why);
  j.add(EventType::finished, 196600, "", "rolled back",
        {{"outcome", "rolled_back"}, {"exit_code", 1}, {"reason", why}});
  return j.events();
}

// canary passes; during ramp bob aborts from another shell.
inline std::vector<Event> abort_during_ramp() {
  JournalBuilder j;
  j.start().stage(0, "canary", 1, 1000, 600000);
  j.measure("canary", 61000, 0.002, "pass");
  j.add(EventType::stage_completed, 601200, "canary", "stage canary passed",
        {{"duration_ms", 600200}, {"measurements", 1}});
  j.stage(1, "ramp", 10, 601300, 1200000);
  j.measure("ramp", 661300, 0.003, "pass");
  j.add(EventType::abort_requested, 700000, "ramp", "abort requested by bob",
        {{"by", "bob"}, {"reason", "customer complaints"}});
  j.rollback(700100, "abort", "customer complaints (bob)");
  j.add(EventType::finished, 715600, "", "aborted",
        {{"outcome", "aborted"}, {"exit_code", 3}, {"reason", "customer complaints (bob)"}});
  return j.events();
}

}  // namespace rollout::testing
