// The one fold of events (fold.hpp).
#include "events/fold.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "core/overloaded.hpp"

namespace rollout::events {

std::string_view to_string(StageOutcome o) {
  static constexpr std::array<std::string_view, 11> kNames = {
      "not_reached", "running", "paused",      "passed",    "advanced",   "breached",
      "aborted",     "failed",  "interrupted", "timed_out", "rolled_back"};
  return kNames[static_cast<std::size_t>(o)];
}

std::string_view to_string(Phase p) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "starting", "running", "holding", "awaiting approval", "paused", "rolling back", "finished"};
  return kNames[static_cast<std::size_t>(p)];
}

StageFold* Fold::stage_named(const std::string& stage_name) {
  return const_cast<StageFold*>(std::as_const(*this).stage_named(stage_name));
}

const StageFold* Fold::stage_named(const std::string& stage_name) const {
  for (const auto& s : stages)
    if (s.name == stage_name) return &s;
  return nullptr;
}

StageFold& Fold::stage(const std::string& stage_name) {
  if (StageFold* s = stage_named(stage_name)) return *s;
  StageFold s;
  s.name = stage_name;
  s.index = static_cast<int>(stages.size());
  stages.push_back(std::move(s));
  return stages.back();
}

const StageFold* Fold::current_stage() const {
  return current >= 0 && current < static_cast<int>(stages.size())
             ? &stages[static_cast<std::size_t>(current)]
             : nullptr;
}

namespace {

StageOutcome stage_outcome_of(RollbackTrigger t) {
  switch (t) {
    case RollbackTrigger::breach:
      return StageOutcome::breached;
    case RollbackTrigger::abort:
      return StageOutcome::aborted;
    case RollbackTrigger::step_failed:
      return StageOutcome::failed;
    case RollbackTrigger::interrupt:
      return StageOutcome::interrupted;
    case RollbackTrigger::timeout:
      return StageOutcome::timed_out;
    default:
      return StageOutcome::rolled_back;
  }
}

}  // namespace

namespace {

GateFold& gate_in(std::vector<GateFold>& gates, const std::string& text) {
  auto it =
      std::find_if(gates.begin(), gates.end(), [&](const GateFold& g) { return g.gate == text; });
  if (it != gates.end()) return *it;
  gates.push_back(GateFold{});
  gates.back().gate = text;
  return gates.back();
}

}  // namespace

void Fold::measured(const Event& e, const GateMeasured& p) {
  const std::string text = p.gate.empty() ? p.check : p.gate;
  // Background analysis gates are one set across stages; stage gates are the stage's.
  if (!p.analysis && e.stage.empty()) return;  // the engine measures gates only in a stage
  StageFold* st = p.analysis ? nullptr : &stage(e.stage);
  GateFold& g = gate_in(st ? st->gates : analysis, text);
  g.dry_run = p.dry_run;
  g.expected = p.expected;
  g.last_word = p.word;
  g.check = p.check;
  g.query = p.query;
  g.unit = p.unit;
  g.op = p.op;
  g.threshold = p.threshold;
  g.detail = p.detail;
  g.fails = p.fails;
  g.inconclusives = p.inconclusives;
  g.errors = p.errors;
  ++g.measurements;
  // A stage's measurements are the intervals measured: its busiest gate's count, until
  // stage_completed says.
  if (st) st->measurements = std::max<int>(st->measurements, static_cast<int>(g.measurements));
  if (p.outcome) {
    switch (*p.outcome) {
      case Outcome::pass:
        ++g.pass;
        break;
      case Outcome::fail:
        ++g.fail;
        break;
      case Outcome::inconclusive:
        ++g.inconclusive;
        break;
      case Outcome::error:
        ++g.error;
        break;
    }
    if (*p.outcome != Outcome::pass && !g.first_not_passing) g.first_not_passing = p.outcome;
  }
  if (p.value && std::isfinite(*p.value)) {
    g.min = g.min ? std::min(*g.min, *p.value) : *p.value;
    g.max = g.max ? std::max(*g.max, *p.value) : *p.value;
  }
  g.last = p.value;
  g.last_outcome = p.outcome;
  g.trend.push_back({e.t_ms, p.value, p.outcome});
  while (g.trend.size() > opts_.trend) g.trend.pop_front();
  if (!p.check.empty()) {
    auto q = std::find_if(queries.begin(), queries.end(),
                          [&](const auto& kv) { return kv.first == p.check; });
    if (q == queries.end())
      queries.emplace_back(p.check, p.query);
    else if (!p.query.empty())
      q->second = p.query;
  }
}

void Fold::apply(const Event& e) {
  ++events;
  last_t_ms = std::max(last_t_ms, e.t_ms);
  last_time = e.time;
  if (!e.stage.empty()) current_name = e.stage;
  auto act = [&](std::string what) {
    OperatorAction a;
    a.action = std::move(what);
    a.time = e.time;
    a.t_ms = e.t_ms;
    a.stage = e.stage;
    return a;
  };
  std::visit(
      Overloaded{
          [&](const RolloutStarted& p) {
            if (!started) {
              started_at = e.time;
              by = p.by;
            }
            started = true;
            if (!p.name.empty()) name = p.name;
            runbook = p.runbook;
            dry_run = p.dry_run;
            phase = Phase::running;
            // A resumed rollout runs again: how its last run ended is history, not its end.
            if (p.resumed) {
              finished.reset();
              finished_at.reset();
              finished_t_ms.reset();
            }
            for (const auto& plan : p.stages) {
              StageFold& st = stage(plan.name);
              st.weight = plan.weight;
              st.planned_hold_ms = plan.hold_ms;
            }
            if (p.resumed || !p.from_stage.empty()) {
              OperatorAction a = act(p.resumed ? "resume" : "start");
              a.by = p.by;
              a.from_stage = p.from_stage;
              actions.push_back(std::move(a));
            }
          },
          [&](const Preflight& p) {
            preflight = p;
            if (!p.ok) phase_detail = "preflight failed";
          },
          [&](const StageStarted& p) {
            StageFold& st = stage(e.stage);
            st.weight = p.weight;
            st.planned_hold_ms = p.hold_ms;
            st.interval_ms = p.interval_ms;
            // A resume enters the stage it stopped in again: the stage began the first time.
            st.resumed = st.started_t_ms.has_value() && (st.outcome == StageOutcome::running ||
                                                         st.outcome == StageOutcome::paused);
            if (!st.resumed) {
              st.started_at = e.time;
              st.started_t_ms = e.t_ms;
            }
            st.outcome = StageOutcome::running;
            current = static_cast<int>(&st - stages.data());
            phase = Phase::running;
            phase_detail.clear();
            hold_ms = p.hold_ms;
            hold_end_t_ms.reset();
            approval_deadline_t_ms.reset();
            last_breach.reset();
          },
          [&](const StepStarted& p) { step = p.description.empty() ? p.kind : p.description; },
          [&](const StepFinished& p) {
            step.clear();
            if (p.phase != StepPhase::rollback && !e.stage.empty())
              stage(e.stage).steps.push_back(p);
          },
          [&](const WeightSet& p) {
            if (!p.ok) {
              warnings.emplace_back(e.time, "setting traffic to " + std::to_string(p.stable) + "/" +
                                                std::to_string(p.canary) + " failed: " + p.detail);
              return;
            }
            stable = p.stable;
            canary = p.canary;
            split_known = true;
          },
          [&](const HoldStarted& p) {
            phase = Phase::holding;
            phase_detail.clear();
            hold_ms = p.hold_ms;
            hold_end_t_ms = e.t_ms + p.remaining_ms;
            if (!e.stage.empty()) stage(e.stage).hold_started_t_ms = e.t_ms;
          },
          [&](const GateMeasured& p) { measured(e, p); },
          [&](const Breach& p) {
            last_breach = p;
            BreachAt b{p, e.time, e.t_ms, e.stage, e.summary, false, std::nullopt, ""};
            auto mark = [&](std::vector<GateFold>& gates) {
              for (auto& g : gates)
                if (g.gate == p.gate) {
                  g.breach = p;
                  b.gate_known = true;
                  b.last = g.last;
                  b.unit = g.unit;
                }
            };
            if (p.analysis) mark(analysis);
            if (!e.stage.empty()) {
              StageFold& st = stage(e.stage);
              if (!p.analysis) mark(st.gates);
              st.breaches.push_back(b);
            }
            breaches.push_back(std::move(b));
          },
          [&](const PassedEarly& p) {
            hold_end_t_ms.reset();
            if (!e.stage.empty()) stage(e.stage).passed_early_skipped_ms = p.skipped_ms;
          },
          [&](const AwaitingApproval& p) {
            phase = Phase::awaiting_approval;
            approval_deadline_t_ms =
                p.timeout_ms ? std::optional(e.t_ms + *p.timeout_ms) : std::nullopt;
            if (!e.stage.empty()) stage(e.stage).awaited_approval = true;
          },
          [&](const Advanced& p) {
            if (phase == Phase::awaiting_approval || phase == Phase::paused ||
                phase == Phase::holding)
              phase = Phase::running;
            hold_end_t_ms.reset();
            approval_deadline_t_ms.reset();
            OperatorAction a = act("advance");
            a.by = p.by;
            a.skipped_ms = p.skipped_ms;
            actions.push_back(std::move(a));
            if (!e.stage.empty()) stage(e.stage).advanced_by = p.by;
          },
          [&](const Paused& p) {
            paused_for_approval = phase == Phase::awaiting_approval;
            phase = Phase::paused;
            phase_detail = p.reason;
            paused_reason = p.reason;
            if (!e.stage.empty()) stage(e.stage).outcome = StageOutcome::paused;
          },
          [&](const AbortRequested& p) {
            phase_detail = "abort requested by " + p.by;
            OperatorAction a = act("abort");
            a.by = p.by;
            a.reason = p.reason;
            actions.push_back(std::move(a));
          },
          [&](const Interrupted& p) {
            phase_detail = "interrupted (" + p.signal + ")";
            OperatorAction a = act("interrupt");
            a.signal = p.signal;
            a.then = p.action;
            actions.push_back(std::move(a));
          },
          [&](const StageCompleted& p) {
            StageFold& st = stage(e.stage.empty() ? current_name : e.stage);
            // The engine counts what its own run saw; a resumed stage began before it.
            if (st.resumed && st.started_t_ms) {
              st.duration_ms = e.t_ms - *st.started_t_ms;
              st.measurements = std::max(st.measurements, p.measurements.value_or(0));
            } else {
              st.duration_ms = p.duration_ms;
              if (p.measurements) st.measurements = *p.measurements;
            }
            st.outcome = st.advanced_by ? StageOutcome::advanced : StageOutcome::passed;
            if (phase == Phase::holding) phase = Phase::running;
            hold_end_t_ms.reset();
          },
          [&](const RollbackStarted& p) {
            phase = Phase::rolling_back;
            hold_end_t_ms.reset();
            const std::string left = e.stage.empty() ? current_name : e.stage;
            rollback = RollbackFold{p.reason, p.trigger, left, e.time, e.t_ms, p.budget_ms, {}, {}};
            if (left.empty()) return;
            StageFold& st = stage(left);
            if (st.outcome == StageOutcome::running || st.outcome == StageOutcome::paused ||
                st.outcome == StageOutcome::not_reached)
              st.outcome = stage_outcome_of(p.trigger);
            if (!st.duration_ms && st.started_t_ms) st.duration_ms = e.t_ms - *st.started_t_ms;
          },
          [&](const RollbackStep& p) {
            if (rollback) rollback->steps.push_back({p, e.t_ms});
          },
          [&](const RollbackFinished& p) {
            if (rollback) rollback->finished = p;
          },
          [&](const Completed&) {},  // its duration is this run's: `finished` gives the whole
          [&](const ProcessStarted&) {},
          [&](const AnalysisStarted& p) {
            analysis_started = p;
            analysis_finished.reset();
          },
          [&](const AnalysisFinished& p) { analysis_finished = p; },
          [&](const ProcessExited& p) {
            // A background process that ended by itself is worth a line in status and report.
            if (!p.stopped) warnings.emplace_back(e.time, e.summary);
          },
          [&](const Warning& p) {
            warnings.emplace_back(e.time, p.message.empty() ? e.summary : p.message);
          },
          [&](const Finished& p) {
            phase = Phase::finished;
            finished = p;
            finished_at = e.time;
            finished_t_ms = e.t_ms;
            hold_end_t_ms.reset();
            step.clear();
          },
      },
      e.payload);
}

}  // namespace rollout::events
