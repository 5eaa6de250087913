// Replaying a journal into a Position.
#include "engine/position.hpp"

#include <algorithm>

#include "core/overloaded.hpp"

namespace rollout::engine {

const char* to_string(Phase phase) {
  switch (phase) {
    case Phase::before:
      return "before";
    case Phase::hold:
      return "hold";
    case Phase::after:
      return "after";
    case Phase::rollback:
      return "rollback";
    case Phase::done:
      return "done";
  }
  return "done";
}

bool Position::final() const {
  // A rollback finished on a failing journal ended the rollout too (exit 6 says a person
  // must look at the state directory), once its end is in the journal.
  using events::FinishedOutcome;
  if (!outcome) return false;
  switch (*outcome) {
    case FinishedOutcome::completed:
    case FinishedOutcome::rolled_back:
    case FinishedOutcome::aborted:
    case FinishedOutcome::preflight_failed:
      return true;
    case FinishedOutcome::journal_failed:
      return phase == Phase::done;
    default:
      return false;
  }
}

std::string Position::status() const {
  return outcome ? std::string(events::to_string(*outcome)) : "running";
}

nlohmann::json Position::to_json() const {
  nlohmann::json j = {
      {"name", name},
      {"runbook", runbook},
      {"dry_run", dry_run},
      {"stage_index", stage},
      {"stage", stage_name},
      {"phase", engine::to_string(phase)},
      {"step", step},
      {"awaiting_approval", awaiting_approval},
      {"split", {{"stable", split.stable}, {"canary", split.canary}}},
      {"last_seq", last_seq},
      {"t_ms", last_t_ms},
  };
  if (hold_remaining_ms >= 0) j["hold_remaining_ms"] = hold_remaining_ms;
  if (rollback_trigger) j["rollback_trigger"] = events::to_string(*rollback_trigger);
  if (!undone.empty()) j["undone"] = undone;
  j["status"] = status();
  if (exit_code >= 0) j["exit_code"] = exit_code;
  if (!reason.empty()) j["reason"] = reason;
  return j;
}

void Replayer::apply(const Event& e) {
  using namespace events;
  Position& p = p_;
  p.last_t_ms = std::max(p.last_t_ms, e.t_ms);
  p.last_seq = std::max(p.last_seq, e.seq);
  // A before/after step moves the position; a rollback step is counted by rollback_step.
  auto in_stage_phase = [](StepPhase ph) {
    return ph == StepPhase::before || ph == StepPhase::after;
  };
  // Before stage `index`'s first step (announced: its stage_started is in the journal).
  auto at_stage_start = [&p](int index, const std::string& name, bool announced) {
    p.stage = index;
    p.stage_name = name;
    p.stage_announced = announced;
    p.phase = Phase::before;
    p.step = 0;
    p.hold_remaining_ms = -1;
    p.awaiting_approval = false;
  };
  // The hold ended (an advance, an early pass): the after steps are next.
  auto end_hold = [&p] {
    if (p.phase != Phase::hold) return;
    p.phase = Phase::after;
    p.step = 0;
    p.hold_remaining_ms = 0;
    p.awaiting_approval = false;
  };
  auto phase_of = [](StepPhase ph) {
    return ph == StepPhase::before ? Phase::before : Phase::after;
  };
  std::visit(Overloaded{
                 [&](const RolloutStarted& d) {
                   if (!d.resumed || !p.started) {
                     const std::int64_t t = p.last_t_ms;
                     const std::uint64_t s = p.last_seq;
                     p = Position{};
                     p.last_t_ms = t;
                     p.last_seq = s;
                   }
                   p.started = true;
                   p.name = d.name;
                   p.runbook = d.runbook;
                   p.dry_run = d.dry_run;
                   p.outcome.reset();
                   p.exit_code = -1;
                   p.reason.clear();
                 },
                 [&](const StageStarted& d) {
                   at_stage_start(d.index, e.stage, true);
                   p.stage_gates.clear();
                 },
                 [&](const GateMeasured& d) {
                   GateCarry& c = (d.analysis ? p.analysis_gates : p.stage_gates)[d.gate];
                   c.counts = {
                       d.fails,       d.inconclusives,       d.errors,      d.successes, d.passes,
                       d.total_fails, d.total_inconclusives, d.total_errors};
                   c.latest = d.outcome;
                 },
                 [&](const StepStarted& d) {
                   if (!in_stage_phase(d.phase)) return;
                   p.phase = phase_of(d.phase);
                   p.step = d.index;
                 },
                 [&](const StepFinished& d) {
                   if (!in_stage_phase(d.phase) || !d.ok) return;
                   p.phase = phase_of(d.phase);
                   p.step = d.index + 1;
                 },
                 [&](const WeightSet& d) {
                   if (!d.ok) return;
                   p.split = Split{d.stable, d.canary};
                   p.split_known = true;
                 },
                 [&](const HoldStarted& d) {
                   p.phase = Phase::hold;
                   hold_start_t_ = e.t_ms;
                   hold_start_remaining_ = d.remaining_ms;
                   p.hold_remaining_ms = hold_start_remaining_;
                 },
                 [&](const AwaitingApproval&) { p.awaiting_approval = true; },
                 [&](const PassedEarly&) { end_hold(); },
                 [&](const Advanced&) { end_hold(); },
                 [&](const Paused& d) { p.reason = d.reason; },
                 [&](const StageCompleted&) { at_stage_start(p.stage + 1, "", false); },
                 [&](const RollbackStarted& d) {
                   p.phase = Phase::rollback;
                   p.step = 0;
                   // A rollback of unknown cause (a damaged journal) is taken as an operator's.
                   p.rollback_trigger =
                       d.trigger == RollbackTrigger::unknown ? RollbackTrigger::abort : d.trigger;
                   p.rollback_reason = d.reason;
                   p.undone.clear();
                 },
                 [&](const RollbackStep& d) {
                   if (d.ok) p.step = d.index + 1;
                 },
                 [&](const RollbackFinished& d) {
                   if (d.ok) p.phase = Phase::done;
                   p.undone = d.ok ? std::vector<std::string>{} : d.undone;
                 },
                 [&](const Completed&) { p.phase = Phase::done; },
                 [&](const Finished& d) {
                   p.outcome = d.outcome;
                   p.exit_code = d.exit_code;
                   p.reason = d.reason;
                 },
                 [](const auto&) {},
             },
             e.payload);
  if (p.phase == Phase::hold && e.type != EventType::hold_started)
    p.hold_remaining_ms =
        std::max<std::int64_t>(0, hold_start_remaining_ - (e.t_ms - hold_start_t_));
}

Position replay(const std::vector<Event>& events) {
  Replayer r;
  for (const Event& e : events) r.apply(e);
  return r.position();
}

std::vector<Event> events_from_journal(const std::vector<nlohmann::json>& lines) {
  std::vector<Event> out;
  out.reserve(lines.size());
  for (const auto& line : lines) {
    Event e;
    if (from_json(line, e)) out.push_back(std::move(e));
  }
  return out;
}

}  // namespace rollout::engine
