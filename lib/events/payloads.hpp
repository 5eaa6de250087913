// What each event type carries besides the envelope (seq, time, t_ms, stage, summary):
// one struct per type, with the journal keys they are written under. A field the journal
// line lacks (an older or damaged journal) reads as the default shown here; strings
// noted "omitted when empty" are not written then.
// clang-format off
// Data fields by type (all optional fields omitted when not known):
//   rollout_started   runbook, name, dry_run, resumed, from_stage, by, stages:[{name,weight,hold_ms}]
//   preflight         ok, checks:[{what, ok, detail}]
//   stage_started     index, weight, hold_ms, interval_ms
//   step_started      phase ("before"|"after"|"rollback"), index, kind, description
//   step_finished     phase, index, kind, description, ok, duration_ms, detail, output
//   weight_set        stable, canary, ok, detail
//   hold_started      hold_ms, remaining_ms
//   gate_measured     gate, check, query, value (number|null), threshold, op, unit,
//                     outcome, detail, fails, inconclusives, errors (consecutive counts),
//                     non_finite ("NaN"|"+Inf"|"-Inf", when value is null for that),
//                     successes (passes in a row), passes, total_fails, total_inconclusives,
//                     total_errors (counts in all; each omitted when 0), dry_run, analysis
//                     (true for a dry-run gate, a background [analysis] gate; else omitted),
//                     expected, word (an == / != gate's true, false or string, and the one
//                     read; each omitted when empty)
//   breach            gate, counter ("failure"|"inconclusive"|"error"|"max_extend"|
//                     "max_failures"|"max_inconclusive"|"max_errors"), limit, max_extend_ms,
//                     action ("rollback"|"pause"|"notify"|"dry_run"), analysis
//   passed_early      skipped_ms, successes
//   awaiting_approval timeout_ms (null: none)
//   advanced          by, skipped_ms
//   paused            reason
//   abort_requested   by, reason
//   interrupted       signal, action ("pause"|"rollback"|"stop")
//   stage_completed   duration_ms, measurements
//   rollback_started  reason, trigger ("breach"|"step_failed"|"abort"|"interrupt"|"timeout"|"journal"), budget_ms
//   rollback_step     index, kind, description, ok, duration_ms, budget_ms, attempts, detail
//   rollback_finished ok, duration_ms, budget_ms, over_budget, undone:[description]
//   completed         duration_ms
//   process_started   description, pid, pgid, fail_on_exit, timeout_ms (null: none), grace_ms
//                     (a background run step; pid and pgid 0 in a rehearsal)
//   process_exited    description, pid, exit_code (null: by a signal or not known), signal,
//                     stopped (rollout stopped it), timed_out, leftover (found on resume),
//                     output (tail, omitted when empty)
//   analysis_started  from, until, gates:[gate], interval_ms (the background [analysis]
//                     begins, or a resume picks it up again)
//   analysis_finished measurements (outcomes counted), passing (every acting gate's
//                     latest outcome was a pass); stage `until` is done
//   warning           message
//   finished          outcome ("completed"|"rolled_back"|"aborted"|"paused"|
//                     "rollback_failed"|"interrupted"|"preflight_failed"|"journal_failed"|
//                     "uncertain"|"lock_lost" (never written: shown only)), exit_code, reason
// clang-format on
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/outcome.hpp"
#include "events/enums.hpp"
#include "events/event_type.hpp"

namespace rollout::events {

struct StagePlan {
  std::string name;
  int weight = 0;
  std::int64_t hold_ms = 0;
};

// rollout_started: runbook, name, dry_run, resumed, from_stage (omitted when empty), by,
// stages:[{name, weight, hold_ms}]
struct RolloutStarted {
  std::string runbook;
  std::string name;
  bool dry_run = false;
  bool resumed = false;
  std::string from_stage;
  std::string by;
  std::vector<StagePlan> stages;
};

struct PreflightCheck {
  std::string what;
  bool ok = false;
  std::string detail;
};

// preflight: ok, checks:[{what, ok, detail}]
struct Preflight {
  bool ok = true;
  std::vector<PreflightCheck> checks;
};

// stage_started: index, weight, hold_ms, interval_ms
struct StageStarted {
  int index = 0;
  int weight = 0;
  std::int64_t hold_ms = 0;
  std::int64_t interval_ms = 0;
};

// step_started: phase, index, kind, description
struct StepStarted {
  StepPhase phase = StepPhase::unknown;
  int index = 0;
  std::string kind;
  std::string description;
};

// step_finished: phase, index, kind, description, ok, duration_ms, detail, output (the last
// two omitted when empty)
struct StepFinished {
  StepPhase phase = StepPhase::unknown;
  int index = 0;
  std::string kind;
  std::string description;
  bool ok = false;
  std::int64_t duration_ms = 0;
  std::string detail;
  std::string output;
};

// weight_set: stable, canary, ok, detail (omitted when empty)
struct WeightSet {
  int stable = 100;
  int canary = 0;
  bool ok = false;
  std::string detail;
};

// hold_started: hold_ms, remaining_ms
struct HoldStarted {
  std::int64_t hold_ms = 0;
  std::int64_t remaining_ms = 0;
};

// gate_measured: gate, check, query, value, threshold, op, unit, outcome, detail (omitted
// when empty), fails, inconclusives, errors (consecutive counts). `value` is a number, or
// null when nothing was measured or it was not finite; a NaN or infinity is then named by
// the key non_finite: "NaN" | "+Inf" | "-Inf" (older journals say it only in the summary).
struct GateMeasured {
  std::string gate;  // as written: "error_rate < 1%"
  std::string check;
  std::string query;
  std::optional<double> value;  // nullopt: no data; NaN or ±Inf kept as such
  double threshold = 0;
  std::string op;
  std::string unit;                // a Dimension's name: ratio, seconds, bytes, count
  std::optional<Outcome> outcome;  // nullopt: a word this version does not know
  std::string detail;
  int fails = 0;
  int inconclusives = 0;
  int errors = 0;
  int successes = 0;
  int passes = 0;
  int total_fails = 0;
  int total_inconclusives = 0;
  int total_errors = 0;
  bool dry_run = false;
  bool analysis = false;
  std::string expected{};  // an == / != gate's word; empty: it compares numbers
  std::string word{};      // the word the source gave (value is null then)
};

// breach: gate, counter, limit, max_extend_ms (max_extend only), action
// (rollback | pause | notify | dry_run), analysis (omitted when false)
struct Breach {
  std::string gate;
  BreachCounter counter = BreachCounter::unknown;
  std::int64_t limit = 0;
  std::optional<std::int64_t> max_extend_ms;
  std::string action;
  bool analysis = false;
};

// passed_early: skipped_ms, successes
struct PassedEarly {
  std::int64_t skipped_ms = 0;
  int successes = 0;
};

// awaiting_approval: timeout_ms (null: none)
struct AwaitingApproval {
  std::optional<std::int64_t> timeout_ms;
};

// advanced: by, skipped_ms
struct Advanced {
  std::string by;
  std::int64_t skipped_ms = 0;
};

// paused: reason
struct Paused {
  std::string reason;
};

// abort_requested: by, reason
struct AbortRequested {
  std::string by;
  std::string reason;
};

// interrupted: signal, action
struct Interrupted {
  std::string signal;
  InterruptAction action = InterruptAction::unknown;
};

// stage_completed: duration_ms, measurements
struct StageCompleted {
  std::int64_t duration_ms = 0;
  std::optional<int> measurements;
};

// rollback_started: reason, trigger, budget_ms
struct RollbackStarted {
  std::string reason;
  RollbackTrigger trigger = RollbackTrigger::unknown;
  std::optional<std::int64_t> budget_ms;
};

// rollback_step: index, kind, description, ok, duration_ms, budget_ms, attempts, detail,
// output (the last two omitted when empty)
struct RollbackStep {
  int index = 0;
  std::string kind;
  std::string description;
  bool ok = false;
  std::int64_t duration_ms = 0;
  std::optional<std::int64_t> budget_ms;
  int attempts = 0;
  std::string detail;
  std::string output;
};

// rollback_finished: ok, duration_ms, budget_ms, over_budget, undone:[description]
struct RollbackFinished {
  bool ok = false;
  std::int64_t duration_ms = 0;
  std::optional<std::int64_t> budget_ms;
  std::optional<bool> over_budget;
  std::vector<std::string> undone;
};

// completed: duration_ms
struct Completed {
  std::int64_t duration_ms = 0;
};

// process_started: description, pid, pgid, fail_on_exit, timeout_ms (null: runs until the
// stage ends), grace_ms
struct ProcessStarted {
  std::string description;
  int pid = 0;
  int pgid = 0;
  bool fail_on_exit = false;
  std::optional<std::int64_t> timeout_ms;
  std::int64_t grace_ms = 0;
};

// process_exited: description, pid, exit_code (null: ended by a signal, or not known),
// signal (0: none), stopped, timed_out, leftover, output (omitted when empty)
struct ProcessExited {
  std::string description;
  int pid = 0;
  std::optional<int> exit_code;
  int signal = 0;
  bool stopped = false;    // rollout stopped it (the stage ended, a rollback, an exit)
  bool timed_out = false;  // it ran for its whole timeout and was stopped
  bool leftover = false;   // found still running (or gone) on resume, after a crash
  std::string output;
};

// analysis_started: from, until, gates, interval_ms
struct AnalysisStarted {
  std::string from;
  std::string until;
  std::vector<std::string> gates;  // as written
  std::int64_t interval_ms = 0;
};

// analysis_finished: measurements, passing
struct AnalysisFinished {
  int measurements = 0;
  bool passing = true;
};

// warning: message
struct Warning {
  std::string message;
};

// finished: outcome, exit_code, reason
struct Finished {
  FinishedOutcome outcome = FinishedOutcome::unknown;
  int exit_code = -1;
  std::string reason;
};

// In EventType's order: the alternative's index is the event's type.
using Payload =
    std::variant<RolloutStarted, Preflight, StageStarted, StepStarted, StepFinished, WeightSet,
                 HoldStarted, GateMeasured, Breach, PassedEarly, AwaitingApproval, Advanced, Paused,
                 AbortRequested, Interrupted, StageCompleted, RollbackStarted, RollbackStep,
                 RollbackFinished, Completed, ProcessStarted, ProcessExited, AnalysisStarted,
                 AnalysisFinished, Warning, Finished>;
static_assert(std::variant_size_v<Payload> == static_cast<std::size_t>(EventType::finished) + 1);

inline EventType type_of(const Payload& p) {
  return static_cast<EventType>(p.index());
}

}  // namespace rollout::events
