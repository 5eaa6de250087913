// The hold: measure each gate at its interval, count outcomes, act on a breach, and
// promote only when the hold is over (or passed early) and every acting gate's latest
// outcome is pass with its min_measurements (and, for a manual stage, someone approved).
// Every wait here is bounded: the hold, then at most max_extend for acting gates not
// passing, then their on_breach acts; a notify or dry_run gate never extends the hold.
// Only a person is waited for without limit.
#include <algorithm>
#include <cmath>
#include <future>
#include <utility>

#include <fmt/format.h>

#include "engine/engine.hpp"
#include "engine/gate_run.hpp"
#include "runbook/gate.hpp"

namespace rollout::engine {

// What one hold keeps between its passes.
struct Engine::HoldState {
  HoldState(const runbook::Stage& s, Duration t0, std::int64_t remaining_ms,
            const std::map<std::string, GateCarry>& carry, const runbook::Analysis* analysis)
      : stage(s),
        end(t0 + Duration(remaining_ms)),
        runs(start_gate_runs(s.gates, s.rules, t0, end, carry)),
        max_extend(runbook::max_extend_of(s, analysis)) {}

  const runbook::Stage& stage;
  Duration end;  // of the hold proper (moved up by an early pass)
  std::vector<GateRun> runs;
  // Acting gates not passing when the hold is over get max_extend to pass, then their
  // on_breach (or on_inconclusive) acts. Gates that do not act (notify, dry_run) never
  // hold the stage up: they need only have been measured.
  Duration max_extend{0};
  std::optional<Duration> extend_until;
  bool asked = false;  // awaiting_approval was emitted
  std::optional<Duration> approval_deadline;
  bool reported = false;  // the gates that do not act said whether they were passing
  ApprovalPoll approval;  // approve_url (approval.cpp)
};

// The hold, pass by pass until one of them ends it: over (promote, ask, time out or run
// out of extension), wait (for the next thing that can happen, or a request), measure
// (the gates that are due), then act on a breach.
Engine::Flow Engine::hold(const runbook::Stage& stage, std::int64_t remaining_ms) {
  emit(stage.name,
       fmt::format("holding {}% for {}{}", stage.weight, format_duration(Duration(remaining_ms)),
                   remaining_ms != stage.hold.count()
                       ? fmt::format(" (of {})", format_duration(stage.hold))
                       : ""),
       events::HoldStarted{stage.hold.count(), remaining_ms});
  save_state("running");
  HoldState h(stage, ports_.clock.now(), remaining_ms, replayer_.position().stage_gates,
              analysis_on_ ? &*book_.analysis : nullptr);

  for (;;) {
    if (auto done = hold_over(h)) return *done;
    if (auto done = hold_wait(h)) return *done;
    const auto due = next_due(h.runs);
    if (!due || ports_.clock.now() < *due) continue;
    ++measurements_;
    record_measurements(h.runs, &stage, false);
    if (auto done = act_on_breaches(h.runs, stage, false)) return *done;
  }
}

// early_pass: every acting gate passed its consecutive_successes in a row (and its
// min_measurements) before the hold's end: the hold ends now.
void Engine::pass_early(HoldState& h) {
  const Duration now = ports_.clock.now();
  if (!h.stage.early_pass || now >= h.end) return;
  int successes = 0;
  bool any = false;
  for (const auto& r : h.runs) {
    if (!r.acts()) {
      if (!r.tracker.latest()) return;
      continue;
    }
    any = true;
    if (!r.ready() || r.tracker.counts().successes < r.rules->consecutive_successes) return;
    successes = std::max(successes, r.rules->consecutive_successes);
  }
  if (!any) return;
  const std::int64_t skipped = (h.end - now).count();
  emit(h.stage.name,
       fmt::format("every gate passed {} time{} in a row: the hold ends early, skipping {}",
                   successes, successes == 1 ? "" : "s", format_duration(Duration(skipped))),
       events::PassedEarly{skipped, successes});
  h.end = now;
}

// The hold is over when its time is up and every acting gate passes with its
// min_measurements (gates that do not act: were measured): promote, or ask a person and
// wait for the answer within its timeout. Time up with acting gates not passing:
// max_extend for them, then a breach.
std::optional<Engine::Flow> Engine::hold_over(HoldState& h) {
  const runbook::Stage& stage = h.stage;
  pass_early(h);
  const Duration now = ports_.clock.now();
  if (now < h.end) return std::nullopt;
  bool ready = true, measured = true;
  for (const auto& r : h.runs) {
    if (r.acts())
      ready = ready && r.ready();
    else
      measured = measured && r.tracker.latest().has_value();
  }
  // The background analysis does not promote a stage, but one of its acting gates whose
  // latest outcome is not a pass holds the promotion up, as a stage gate would.
  if (analysis_not_passing()) ready = false;
  if (!ready) {
    if (!h.extend_until) h.extend_until = now + h.max_extend;
    if (now >= *h.extend_until) return extension_over(h);
    return std::nullopt;
  }
  if (!measured) return std::nullopt;  // a gate that does not act is measured at the end
  h.extend_until.reset();
  if (!h.reported) {
    h.reported = true;
    report_not_passing(h);
  }
  if (stage.advance == runbook::AdvanceMode::automatic) return Flow{};
  if (!h.asked) {
    h.asked = true;
    emit(stage.name,
         fmt::format("stage {} is healthy; waiting for `rollout advance {}`{}{}", stage.name,
                     book_.rollout.name,
                     stage.approve_url.empty() ? "" : " or a 200 from approve_url",
                     stage.approval_timeout
                         ? " (times out in " + format_duration(*stage.approval_timeout) + ")"
                         : ""),
         events::AwaitingApproval{stage.approval_timeout
                                      ? std::optional(stage.approval_timeout->count())
                                      : std::nullopt});
    save_state("running");
    if (opts_.auto_approve) {
      emit(stage.name, "approved (rehearsal)", events::Advanced{"dry-run", 0});
      return Flow{};
    }
    if (!opts_.interactive && stage.approve_url.empty()) {
      // An advance given with a resume answers at once; without one, nobody can.
      if (auto req = take(true)) return on_hold_request(h, *req);
      return Flow{Stop{pause_exit("awaiting approval", stage.name)}};
    }
    if (stage.approval_timeout) h.approval_deadline = now + *stage.approval_timeout;
  } else if (h.approval_deadline && now >= *h.approval_deadline) {
    const std::string why =
        fmt::format("no approval within {}", format_duration(*stage.approval_timeout));
    if (stage.on_timeout == runbook::OnTimeout::rollback)
      return Flow{Stop{rollback(events::RollbackTrigger::timeout, why)}};
    return Flow{Stop{pause_exit(why, stage.name)}};
  }
  if (auto done = poll_approval(stage, h.approval, h.approval_deadline)) return *done;
  return std::nullopt;
}

// Sleeps until the next thing that can happen: a measurement, the end of the hold or of
// its extension, the approval deadline, or a request (an advance ends the hold).
std::optional<Engine::Flow> Engine::hold_wait(HoldState& h) {
  const Duration now = ports_.clock.now();
  const bool time_up = now >= h.end;
  const auto due = next_due(h.runs);
  Duration deadline = due ? *due : (time_up ? now + Duration(3'600'000) : h.end);
  if (!time_up) deadline = std::min(deadline, h.end);
  if (h.extend_until) deadline = std::min(deadline, *h.extend_until);
  if (h.approval_deadline) deadline = std::min(deadline, *h.approval_deadline);
  if (h.approval.next) deadline = std::min(deadline, *h.approval.next);
  // Extended for the analysis too: look again once it has measured.
  if (h.extend_until && analysis_on_)
    if (const auto a = next_due(analysis_runs_)) deadline = std::min(deadline, *a);
  auto req = wait_until(deadline, true);
  if (!req) return std::nullopt;
  return on_hold_request(h, *req);
}

// An advance ends the hold; an abort or interrupt acts; anything else: the hold goes on.
std::optional<Engine::Flow> Engine::on_hold_request(HoldState& h, const ControlRequest& req) {
  if (req.kind == ControlRequest::Kind::advance) {
    const auto skipped = std::max<std::int64_t>(0, (h.end - ports_.clock.now()).count());
    emit(
        h.stage.name,
        fmt::format("advanced by {}{}", req.by,
                    skipped ? ", skipping " + format_duration(Duration(skipped)) + " of hold" : ""),
        events::Advanced{req.by, skipped});
    return Flow{};
  }
  if (auto flow = on_request(req, h.stage.name, true)) return flow;
  return std::nullopt;
}

// max_extend is over and an acting gate is still not ready: a breach, named after the
// first such gate, acting as its on_inconclusive (when its latest was inconclusive) or
// its on_breach says.
Engine::Flow Engine::extension_over(HoldState& h) {
  const runbook::Stage& stage = h.stage;
  const GateRun* run = nullptr;
  for (const auto& r : h.runs)
    if (r.acts() && !r.ready()) {
      run = &r;
      break;
    }
  const bool analysis = !run;
  if (!run) run = analysis_not_passing();
  if (!run) return std::nullopt;  // not reached: hold_over saw one
  const runbook::Gate& gate = *run->gate;
  const auto latest = run->tracker.latest();
  const runbook::OnBreach action = latest == Outcome::inconclusive
                                       ? runbook::inconclusive_action(*run->rules)
                                       : run->rules->on_breach;
  const std::string cause =
      run->tracker.passing(*run->rules)
          ? fmt::format("{} of {} passes (min_measurements)", run->tracker.counts().passes,
                        run->rules->min_measurements)
          : fmt::format("latest: {}", latest ? to_string(*latest) : "not measured");
  const std::string why =
      fmt::format("{}gate '{}' not passing {} after {} (max_extend; {})",
                  analysis ? "analysis " : "", gate.text, format_duration(h.max_extend),
                  h.asked ? "it stopped passing" : "the hold ended", cause);
  emit(stage.name, why,
       events::Breach{gate.text, events::BreachCounter::max_extend,
                      (h.max_extend.count() + 999) / 1000,  // whole seconds, shown like a count
                      h.max_extend.count(), runbook::to_string(action), analysis});
  return act_on_breach(stage, action, why);
}

// Gates that do not act never stop a promotion: say which are not passing at the end of
// the hold, so that promotion is never silent.
void Engine::report_not_passing(const HoldState& h) {
  for (const auto& r : h.runs) {
    if (r.acts()) continue;
    const auto latest = r.tracker.latest();
    if (latest == Outcome::pass) continue;
    const std::string message = fmt::format(
        "gate '{}' not passing at the end of the hold (latest: {}); {}: the stage promotes",
        r.gate->text, latest ? to_string(*latest) : "not measured",
        r.rules->dry_run ? "dry_run" : "on_breach = notify");
    emit(h.stage.name, message, events::Warning{message});
  }
}

Engine::Flow Engine::wait_for_operator(const runbook::Stage& stage, const std::string& reason) {
  emit(stage.name,
       fmt::format("paused: {}; `rollout advance {}` continues, `rollout abort {}` rolls back",
                   reason, book_.rollout.name, book_.rollout.name),
       events::Paused{reason});
  save_state("paused");
  // The analysis waits with the person deciding: no second breach while they do.
  const bool held = std::exchange(analysis_held_, true);
  const Flow flow = operator_decides(stage);
  analysis_held_ = held;
  return flow;
}

Engine::Flow Engine::operator_decides(const runbook::Stage& stage) {
  for (;;) {
    auto req = wait_until(ports_.clock.now() + Duration(3'600'000), true);
    if (!req) continue;
    if (req->kind == ControlRequest::Kind::advance) {
      emit(stage.name, fmt::format("advanced by {}", req->by), events::Advanced{req->by, 0});
      return std::nullopt;
    }
    if (auto flow = on_request(*req, stage.name, true)) return flow;
  }
}

}  // namespace rollout::engine
