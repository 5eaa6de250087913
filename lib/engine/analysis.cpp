// The background [analysis]: one set of gates and counters from the moment stage `from`
// has its weight to the end of stage `until`, measured at every wait of the engine (a
// hold, a health poll, a pause, an approval, a retry), whatever step runs. It shares the
// hold's measuring and counting (measure.cpp, gate_run.cpp); what differs is when it is
// measured (take(), like the background processes' exits) and how a breach reaches the
// flow: it unwinds the wait like an abort, and on_request acts on it with the action the
// gate's rules say, as a breach of the stage running then.
#include <algorithm>

#include <fmt/format.h>

#include "engine/engine.hpp"
#include "engine/gate_run.hpp"

namespace rollout::engine {

void Engine::analysis_enter(int stage_index, bool weight_set) {
  analysis_stage_ = stage_index;
  if (!book_.analysis || analysis_on_ || in_rollback_) return;
  const runbook::Analysis& a = *book_.analysis;
  if (!runbook::covers(a, stage_index)) return;
  // Stage `from` begins the analysis once its weight is set: the canary has traffic.
  if (stage_index == a.from_index && !weight_set) return;
  const auto& carry = replayer_.position().analysis_gates;
  analysis_runs_ = start_gate_runs(a.gates, a.rules, ports_.clock.now(), std::nullopt, carry);
  analysis_on_ = true;
  std::vector<std::string> texts;
  for (const auto& g : a.gates) texts.push_back(g.text);
  const std::string& stage = book_.stages[static_cast<std::size_t>(stage_index)].name;
  emit(stage,
       fmt::format("analysis {}: {} gate{} every {} until stage {} is done",
                   carry.empty() ? "started" : "resumed", a.gates.size(),
                   a.gates.size() == 1 ? "" : "s", format_duration(a.rules.interval), a.until),
       events::AnalysisStarted{a.from, a.until, std::move(texts), a.rules.interval.count()});
}

void Engine::analysis_leave(int stage_index) {
  if (!analysis_on_ || stage_index != book_.analysis->until_index) return;
  const bool passing = analysis_not_passing() == nullptr;
  analysis_on_ = false;
  int measurements = 0;
  for (const auto& r : analysis_runs_) {
    const auto& c = r.tracker.counts();
    measurements =
        std::max(measurements, c.passes + c.total_fails + c.total_inconclusives + c.total_errors);
  }
  analysis_runs_.clear();
  const std::string& stage = book_.stages[static_cast<std::size_t>(stage_index)].name;
  emit(stage,
       fmt::format("analysis done after stage {}: {} measurement{}", stage, measurements,
                   measurements == 1 ? "" : "s"),
       events::AnalysisFinished{measurements, passing});
}

std::optional<ControlRequest> Engine::check_analysis() {
  if (!analysis_measuring()) return std::nullopt;
  if (!analysis_breach_) {
    const auto due = next_due(analysis_runs_);
    if (!due || ports_.clock.now() < *due) return std::nullopt;
    const runbook::Stage& stage = book_.stages[static_cast<std::size_t>(analysis_stage_)];
    record_measurements(analysis_runs_, &stage, true);
    analysis_breach_ = first_acting_breach(analysis_runs_, stage, true);
    if (!analysis_breach_) return std::nullopt;
  }
  return ControlRequest{ControlRequest::Kind::abort, "rollout", analysis_breach_->why};
}

Duration Engine::analysis_wake(Duration deadline) const {
  if (!analysis_measuring()) return deadline;
  const auto due = next_due(analysis_runs_);
  return due ? std::min(deadline, *due) : deadline;
}

Engine::Flow Engine::on_analysis_breach() {
  const ActingBreach b = *analysis_breach_;
  analysis_breach_.reset();
  const runbook::Stage& stage = book_.stages[static_cast<std::size_t>(analysis_stage_)];
  // A pause waits for a person with the analysis held (wait_for_operator); if they
  // continue, the breach is an episode the next pass ends (no second breach on the same
  // failing run).
  Flow flow = act_on_breach(stage, b.action, b.why);
  if (!flow && b.run < analysis_runs_.size()) {
    analysis_runs_[b.run].tracker.opened_episode();
    for (auto& r : analysis_runs_) schedule_after(r, ports_.clock.now());
  }
  return flow;
}

const GateRun* Engine::analysis_not_passing() const {
  if (!analysis_on_) return nullptr;
  for (const auto& r : analysis_runs_)
    if (r.acts() && r.tracker.latest() && !r.tracker.passing(*r.rules)) return &r;
  return nullptr;
}

}  // namespace rollout::engine
