// One fold of a rollout's events into what it came to: per stage and per gate (counts by
// outcome, min, max, last, trend, breaches), the steps, the rollback and its steps, the
// rollout's phase and outcome. The live view, `status` and the report all read this, so
// they cannot disagree about what a journal says.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "events/event.hpp"

namespace rollout::events {

struct GatePoint {
  std::int64_t t_ms = 0;
  std::optional<double> value;  // nullopt: no data; NaN/±Inf as measured
  std::optional<Outcome> outcome;
};

struct GateFold {
  std::string gate;  // as written: "error_rate < 1%"
  std::string check, query, unit, op;
  double threshold = 0;
  std::int64_t measurements = 0;
  int pass = 0, fail = 0, inconclusive = 0, error = 0;  // measurements by outcome
  std::optional<double> min, max;                       // of the finite values
  std::optional<double> last;                           // the latest value (see GatePoint)
  std::optional<Outcome> last_outcome;
  std::string detail;                            // of the latest measurement
  int fails = 0, inconclusives = 0, errors = 0;  // consecutive, as of the latest
  std::optional<Outcome> first_not_passing;      // the first outcome other than pass
  std::optional<Breach> breach;                  // this gate's breach in this stage
  std::deque<GatePoint> trend;                   // the latest values (FoldOptions::trend)
  bool dry_run = false;                          // measured and reported, never acted on
  std::string expected;                          // an == / != gate's word
  std::string last_word;                         // the latest word read, for such a gate
};

struct BreachAt {
  Breach breach;
  std::chrono::system_clock::time_point time;
  std::int64_t t_ms = 0;
  std::string stage;
  std::string summary;
  // The gate's state when it breached (gate_known: it was measured in that stage).
  bool gate_known = false;
  std::optional<double> last;
  std::string unit;
};

// How a stage went: reached or not, and how it ended.
enum class StageOutcome {
  not_reached,
  running,
  paused,
  passed,
  advanced,  // passed by an operator's advance
  breached,
  aborted,
  failed,
  interrupted,
  timed_out,
  rolled_back,
};
std::string_view to_string(StageOutcome o);

struct StageFold {
  std::string name;
  int index = 0;  // in the runbook
  std::optional<int> weight;
  std::optional<std::int64_t> planned_hold_ms, interval_ms;
  std::optional<std::chrono::system_clock::time_point> started_at;
  std::optional<std::int64_t> started_t_ms, hold_started_t_ms;
  std::optional<std::int64_t> duration_ms;  // from stage_completed
  int measurements = 0;                     // intervals measured
  bool resumed = false;  // entered again by a resume: its start and counts are the first run's
  StageOutcome outcome = StageOutcome::not_reached;
  bool awaited_approval = false;
  std::optional<std::string> advanced_by;
  std::optional<std::int64_t> passed_early_skipped_ms;  // early_pass ended the hold
  std::vector<GateFold> gates;                          // in the order first measured
  std::vector<StepFinished> steps;                      // before and after steps, as they finished
  std::vector<BreachAt> breaches;
};

struct RollbackStepAt {
  RollbackStep step;
  std::int64_t t_ms = 0;  // when it finished
};

struct RollbackFold {
  std::string reason;
  RollbackTrigger trigger = RollbackTrigger::unknown;
  std::string stage;  // the stage it left ("" before any)
  std::chrono::system_clock::time_point started_at;
  std::int64_t started_t_ms = 0;
  std::optional<std::int64_t> budget_ms;
  std::vector<RollbackStepAt> steps;
  std::optional<RollbackFinished> finished;
};

// What is happening now (the live view's header).
enum class Phase {
  starting,
  running,
  holding,
  awaiting_approval,
  paused,
  rolling_back,
  finished,
};
std::string_view to_string(Phase p);  // "awaiting approval", "rolling back", ...

// An operator's action, for the report's table.
struct OperatorAction {
  std::string action;  // start | resume | advance | abort | interrupt
  std::chrono::system_clock::time_point time;
  std::int64_t t_ms = 0;
  std::string stage;
  std::string by;
  std::string from_stage;                  // start, resume
  std::optional<std::int64_t> skipped_ms;  // advance
  std::string reason;                      // abort
  std::string signal;                      // interrupt
  InterruptAction then = InterruptAction::unknown;
};

struct FoldOptions {
  // Values kept per gate: a live view keeps a few (a 48-hour rollout costs what a
  // 5-minute one does), the report all of them.
  std::size_t trend = std::numeric_limits<std::size_t>::max();
};

class Fold {
 public:
  explicit Fold(FoldOptions options = {}) : opts_(options) {}
  void apply(const Event& e);

  // The rollout.
  bool started = false;
  std::string name, runbook, by;
  bool dry_run = false;
  std::chrono::system_clock::time_point started_at;
  std::optional<Preflight> preflight;
  Phase phase = Phase::starting;
  std::string phase_detail;      // why paused, who aborted, ...
  int stable = 100, canary = 0;  // the last split the router confirmed
  bool split_known = false;
  std::string step;  // the step running now
  std::optional<std::int64_t> hold_ms, hold_end_t_ms, approval_deadline_t_ms;
  // The latest run's end; a resume clears it until that run ends in turn.
  std::optional<Finished> finished;
  std::optional<std::chrono::system_clock::time_point> finished_at;
  std::optional<std::int64_t> finished_t_ms;  // the engine's clock then: across every run
  std::optional<std::string> paused_reason;   // the last pause's, once paused
  bool paused_for_approval = false;   // the last pause came at a manual gate (advance goes on)
  std::optional<Breach> last_breach;  // in the current stage
  std::int64_t last_t_ms = 0;
  std::chrono::system_clock::time_point last_time{};
  std::uint64_t events = 0;

  // Stages: the runbook's, in order (plus any met that it did not list).
  std::vector<StageFold> stages;
  int current = -1;          // index into `stages` of the stage now (or last) running
  std::string current_name;  // the last stage an event named

  std::optional<RollbackFold> rollback;
  std::vector<BreachAt> breaches;  // all stages
  // The background [analysis]: its gates across every stage it ran in, one set of counts;
  // the span it was started with, and how it ended (unset while running or cut short).
  std::vector<GateFold> analysis;
  std::optional<AnalysisStarted> analysis_started;
  std::optional<AnalysisFinished> analysis_finished;
  std::vector<OperatorAction> actions;
  std::vector<std::pair<std::chrono::system_clock::time_point, std::string>> warnings;
  std::vector<std::pair<std::string, std::string>> queries;  // check -> query, first seen order

  StageFold* stage_named(const std::string& stage_name);
  const StageFold* stage_named(const std::string& stage_name) const;
  StageFold& stage(const std::string& stage_name);  // found or added
  const StageFold* current_stage() const;

 private:
  void measured(const Event& e, const GateMeasured& g);
  FoldOptions opts_;
};

}  // namespace rollout::events
