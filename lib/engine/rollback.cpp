// Rollback (the [rollback] steps in order, each retried with backoff within its budget),
// operator requests, and the ways a run ends.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/engine.hpp"

namespace rollout::engine {

ExitCode Engine::rollback(events::RollbackTrigger trigger, const std::string& reason,
                          int from_step) {
  std::vector<runbook::Step> steps = book_.rollback.steps;
  if (steps.empty()) steps.push_back(runbook::Step{runbook::WeightStep{0}, std::nullopt, {}});
  const Duration budget = book_.rollback.budget;
  Clock& clock = ports_.clock;
  in_rollback_ = true;
  emit("", fmt::format("rolling back ({}): {}", events::to_string(trigger), reason),
       events::RollbackStarted{reason, trigger, budget.count()});
  save_state("rolling_back");
  stop_jobs();  // before the rollback steps: nothing of the stage runs on beside them
  const Duration t0 = clock.now();
  std::vector<std::string> undone;
  bool stopped = false;

  for (int k = std::max(0, from_step); k < static_cast<int>(steps.size()); ++k) {
    const runbook::Step& step = steps[k];
    const Duration step_budget = step.budget ? *step.budget : budget;
    const Duration step_t0 = clock.now();
    const std::string desc = describe(step, nullptr);
    Duration backoff{1000};
    int attempts = 0;
    StepResult r;
    for (;;) {
      // A lost lock stops even a rollback: another process may be driving the router.
      check_trust();
      if (lock_lost()) {
        stopped = true;
        break;
      }
      ++attempts;
      const Duration left = std::max(Duration(1), step_t0 + step_budget - clock.now());
      r = execute(step, nullptr, left, true);
      if (r.request && r.request->kind == ControlRequest::Kind::interrupt) {
        stopped = true;
        break;
      }
      if (r.ok) break;
      if (clock.now() + backoff >= step_t0 + step_budget) break;
      if (auto req = wait_until(clock.now() + backoff, false);
          req && req->kind == ControlRequest::Kind::interrupt) {
        stopped = true;
        break;
      }
      backoff = std::min(backoff * 2, Duration(30'000));
    }
    const Duration took = clock.now() - step_t0;
    if (lock_lost()) break;
    events::RollbackStep data{k,
                              runbook::step_kind(step.action),
                              desc,
                              r.ok && !stopped,
                              took.count(),
                              step_budget.count(),
                              attempts,
                              r.detail,
                              r.output};
    emit("",
         fmt::format("rollback step {}: {}{}{}", (r.ok && !stopped) ? "done" : "FAILED", desc,
                     attempts > 1 ? fmt::format(" after {} attempts", attempts) : "",
                     r.detail.empty() ? "" : " (" + r.detail + ")"),
         std::move(data));
    save_state("rolling_back");
    if (stopped || !r.ok) {
      // Later steps depend on earlier ones (never kill the canary while it still takes
      // traffic): the rest is left for a person, and listed.
      for (int u = k; u < static_cast<int>(steps.size()); ++u)
        undone.push_back(describe(steps[u], nullptr));
      break;
    }
  }
  if (lock_lost()) {
    in_rollback_ = false;
    return on_distrust("")->code;
  }
  if (stopped) {
    emit("", "second interrupt: rollback stopped",
         events::Interrupted{"SIGINT", events::InterruptAction::stop});
  }
  const Duration took = clock.now() - t0;
  const bool ok = undone.empty();
  events::RollbackFinished data{ok, took.count(), budget.count(), took > budget, undone};
  std::string summary =
      ok ? fmt::format(
               "rollback done in {}{}", format_duration(took),
               took > budget ? fmt::format(" (over its {} budget)", format_duration(budget)) : "")
         : fmt::format("ROLLBACK INCOMPLETE: still to do: {}", fmt::join(undone, "; "));
  emit("", summary, std::move(data));
  in_rollback_ = false;
  check_trust();
  if (lock_lost()) return on_distrust("")->code;
  const std::string journal_note = distrust_ ? "; " + unrecorded() : "";
  if (!ok)
    return finish(events::FinishedOutcome::rollback_failed, ExitCode::rollback_failed,
                  fmt::format("rollback incomplete ({}): still to do: {}{}", reason,
                              fmt::join(undone, "; "), journal_note));
  // Rolled back, but not on a journal that can be trusted: a person must look (exit 6).
  if (distrust_)
    return finish(events::FinishedOutcome::journal_failed, ExitCode::rollback_failed,
                  fmt::format("rolled back ({}); {}", reason, unrecorded()));
  if (events::operator_asked(trigger))
    return finish(events::FinishedOutcome::aborted, ExitCode::aborted, reason);
  return finish(events::FinishedOutcome::rolled_back, ExitCode::rolled_back, reason);
}

ExitCode Engine::finish(events::FinishedOutcome outcome, ExitCode code, const std::string& reason) {
  stop_jobs();  // a pause, an interrupt or any other ending leaves nothing running
  const std::string word(events::to_string(outcome));
  emit("", fmt::format("{} (exit {}){}", word, to_int(code), reason.empty() ? "" : ": " + reason),
       events::Finished{outcome, to_int(code), reason});
  save_state(word);
  return code;
}

ExitCode Engine::pause_exit(const std::string& reason, const std::string& stage) {
  emit(stage,
       fmt::format("paused: {}; `rollout advance {}` continues, `rollout abort {}` rolls back",
                   reason, book_.rollout.name, book_.rollout.name),
       events::Paused{reason});
  return finish(events::FinishedOutcome::paused, ExitCode::paused, reason);
}

Engine::Flow Engine::on_request(const ControlRequest& request, const std::string& stage,
                                bool in_hold) {
  (void)in_hold;
  if (distrust_) return on_distrust(stage);
  if (job_failure_) return on_job_failure();
  if (analysis_breach_) return on_analysis_breach();
  switch (request.kind) {
    case ControlRequest::Kind::advance:
      return std::nullopt;
    case ControlRequest::Kind::abort: {
      const std::string reason = request.reason.empty() ? "aborted by " + request.by
                                                        : request.reason + " (" + request.by + ")";
      emit(stage, "abort requested by " + request.by,
           events::AbortRequested{request.by, request.reason});
      return Stop{rollback(events::RollbackTrigger::abort, reason)};
    }
    case ControlRequest::Kind::interrupt: {
      const bool roll = book_.rollout.on_interrupt == runbook::OnInterrupt::rollback;
      emit(
          stage,
          roll
              ? "interrupted: rolling back (interrupt again to stop the rollback)"
              : "interrupted: weights kept; `rollout resume` continues, `rollout abort` rolls back",
          events::Interrupted{
              request.by.empty() ? "SIGINT" : request.by,
              roll ? events::InterruptAction::rollback : events::InterruptAction::pause});
      if (roll)
        return Stop{rollback(events::RollbackTrigger::interrupt,
                             "interrupted by " + (request.by.empty() ? "SIGINT" : request.by))};
      return Stop{
          finish(events::FinishedOutcome::interrupted, ExitCode::interrupted,
                 "interrupted by " + (request.by.empty() ? std::string("SIGINT") : request.by))};
    }
  }
  return std::nullopt;
}

}  // namespace rollout::engine
