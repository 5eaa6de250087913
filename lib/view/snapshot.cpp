// The picture of a rollout built from its events (snapshot.hpp): what the live view redraws
// and `rollout status` prints. It keeps only bounded history: a ring of values per gate (the
// fold's trend) and the last few events, so a 48-hour rollout costs the same memory as a
// 5-minute one. Drawing is in snapshot_render.cpp, the JSON in snapshot_json.cpp.
#include "view/snapshot.hpp"

#include <fmt/format.h>

#include "view/snapshot_picture.hpp"

namespace rollout {

namespace view {

namespace {

StageInfo stage_info(const events::StageFold& s) {
  using events::StageOutcome;
  StageInfo info;
  info.name = s.name;
  info.weight = s.weight.value_or(0);
  info.hold_ms = s.planned_hold_ms.value_or(0);
  const bool done = s.outcome == StageOutcome::passed || s.outcome == StageOutcome::advanced;
  info.state = done ? "done" : s.outcome == StageOutcome::not_reached ? "pending" : "running";
  info.started_t_ms = s.started_t_ms.value_or(-1);
  info.duration_ms = done && s.duration_ms ? *s.duration_ms : -1;
  return info;
}

GateInfo gate_info(const events::GateFold& g) {
  GateInfo info;
  static_cast<events::GateFold&>(info) = g;
  info.value = events::number_or_null(g.last);  // else "no data", or a NaN/Inf
  info.value_text = info.value.is_number() ? std::string()
                    : !g.last_word.empty() ? g.last_word
                    : g.last               ? std::string(events::non_finite_word(*g.last))
                                           : std::string("no data");
  return info;
}

}  // namespace

Picture picture_of(const events::Fold& f, const std::deque<RecentEvent>& recent) {
  Picture d;
  d.name = f.name;
  d.runbook = f.runbook;
  d.dry_run = f.dry_run;
  d.started = f.started;
  for (const auto& s : f.stages) d.stages.push_back(stage_info(s));
  d.stage_index = f.current;
  d.stage = f.current_name;
  d.phase = f.phase;
  d.phase_detail = f.phase_detail;
  d.stable = f.stable;
  d.canary = f.canary;
  d.weights_known = f.split_known;
  d.hold_ms = f.hold_ms.value_or(-1);
  d.hold_end_t_ms = f.hold_end_t_ms.value_or(-1);
  d.approval_deadline_t_ms = f.approval_deadline_t_ms.value_or(-1);
  if (const auto* st = f.current_stage())
    for (const auto& g : st->gates) d.gates.push_back(gate_info(g));
  // The background analysis's, while it runs (and after a rollout stopped it).
  if (f.analysis_started && !f.analysis_finished)
    for (const auto& g : f.analysis) {
      d.gates.push_back(gate_info(g));
      d.gates.back().analysis = true;
    }
  d.recent = recent;
  if (const auto& rb = f.rollback) {
    for (const auto& [s, t_ms] : rb->steps)
      d.rollback.push_back(
          {s.index, s.kind, s.description, true, s.ok, s.duration_ms, s.budget_ms.value_or(-1)});
    d.rollback_reason = rb->reason;
    d.rollback_trigger = to_string(rb->trigger);
    d.rollback_budget_ms = rb->budget_ms.value_or(-1);
    d.rollback_started_t_ms = rb->started_t_ms;
    if (rb->finished) {
      d.rollback_ok = rb->finished->ok;
      d.undone = rb->finished->undone;
    }
  }
  // The outcome of the run since the last (re)start, if it ended.
  if (f.phase == events::Phase::finished && f.finished) {
    d.outcome = f.finished->outcome;
    d.exit_code = f.finished->exit_code;
    d.reason = f.finished->reason;
    d.paused_for_approval = d.outcome == events::FinishedOutcome::paused && f.paused_for_approval;
  }
  if (const auto& b = f.last_breach)
    d.last_breach = fmt::format("{} ({} limit {} reached, {})", b->gate, to_string(b->counter),
                                b->limit, b->action);
  d.step = f.step;
  d.last_t_ms = f.last_t_ms;
  d.last_time = f.last_time;
  d.events = f.events;
  return d;
}

}  // namespace view

Snapshot::Snapshot() : d_(std::make_unique<Data>()) {}
Snapshot::~Snapshot() = default;

void Snapshot::on_event(const Event& event) {
  d_->fold.apply(event);
  // gate_measured is the bulk of a long rollout: it shows in the gate table, not in the
  // recent events, or it would push everything else out.
  const auto* gate = event.as<events::GateMeasured>();
  if (!gate || gate->outcome != Outcome::pass) {
    d_->recent.push_back(
        view::RecentEvent{event.time, event.t_ms, event.type, event.stage, event.summary});
    while (d_->recent.size() > view::kRecentEvents) d_->recent.pop_front();
  }
}

}  // namespace rollout
