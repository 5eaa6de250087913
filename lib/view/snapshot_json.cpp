// A snapshot as JSON: what `rollout status --output json` prints as "snapshot".
#include "view/snapshot.hpp"
#include "view/snapshot_picture.hpp"

namespace rollout {

using namespace view;

nlohmann::json Snapshot::to_json() const {
  const Picture d = picture_of(d_->fold, d_->recent);
  using nlohmann::json;
  json j = json::object();
  j["name"] = d.name;
  j["runbook"] = d.runbook;
  j["dry_run"] = d.dry_run;
  j["phase"] = std::string(to_string(d.phase));
  if (!d.phase_detail.empty()) j["phase_detail"] = d.phase_detail;
  j["stage"] = d.stage.empty() ? json() : json(d.stage);
  j["stage_index"] = d.stage_index >= 0 ? json(d.stage_index) : json();
  json stages = json::array();
  for (const auto& s : d.stages) {
    json st = {{"name", s.name}, {"weight", s.weight}, {"hold_ms", s.hold_ms}, {"state", s.state}};
    if (s.duration_ms >= 0) st["duration_ms"] = s.duration_ms;
    stages.push_back(std::move(st));
  }
  j["stages"] = std::move(stages);
  j["weights"] = {{"stable", d.stable}, {"canary", d.canary}, {"known", d.weights_known}};
  const std::int64_t t = d.t_now(std::chrono::system_clock::now());
  j["t_ms"] = t;
  if (d.holding())
    j["hold"] = {{"hold_ms", d.hold_ms},
                 {"remaining_ms", d.hold_remaining(t)},
                 {"elapsed_ms", std::max<std::int64_t>(0, d.hold_ms - d.hold_remaining(t))},
                 {"end_t_ms", d.hold_end_t_ms}};
  if (std::int64_t rest = d.remaining_total(t); rest >= 0) j["remaining_ms"] = rest;
  json gates = json::array();
  for (const auto& g : d.gates) {
    json recent = json::array();
    for (const auto& p : g.trend) recent.push_back(events::number_or_null(p.value));
    json gj = {{"gate", g.gate},     {"check", g.check},
               {"query", g.query},   {"unit", g.unit},
               {"op", g.op},         {"threshold", g.threshold},
               {"value", g.value},   {"outcome", events::outcome_word(g.last_outcome)},
               {"fails", g.fails},   {"inconclusives", g.inconclusives},
               {"errors", g.errors}, {"measurements", g.measurements},
               {"recent", recent}};
    gj["min"] = g.min ? json(*g.min) : json();
    gj["max"] = g.max ? json(*g.max) : json();
    if (!g.detail.empty()) gj["detail"] = g.detail;
    if (g.analysis) gj["analysis"] = true;
    gates.push_back(std::move(gj));
  }
  j["gates"] = std::move(gates);
  if (!d.last_breach.empty()) j["breach"] = d.last_breach;
  if (d.rollback_started_t_ms >= 0) {
    json steps = json::array();
    for (const auto& s : d.rollback)
      steps.push_back({{"index", s.index},
                       {"kind", s.kind},
                       {"description", s.description},
                       {"ok", s.ok},
                       {"duration_ms", s.duration_ms},
                       {"budget_ms", s.budget_ms >= 0 ? json(s.budget_ms) : json()}});
    j["rollback"] = {{"reason", d.rollback_reason},
                     {"trigger", d.rollback_trigger},
                     {"budget_ms", d.rollback_budget_ms >= 0 ? json(d.rollback_budget_ms) : json()},
                     {"ok", d.rollback_ok ? json(*d.rollback_ok) : json()},
                     {"steps", std::move(steps)},
                     {"undone", d.undone}};
  }
  json recent = json::array();
  for (const auto& e : d.recent) {
    // As in the journal: "stage" only for an event inside a stage.
    json r = {{"t_ms", e.t_ms}, {"type", to_string(e.type)}, {"summary", e.summary}};
    if (!e.stage.empty()) r["stage"] = e.stage;
    recent.push_back(std::move(r));
  }
  j["recent"] = std::move(recent);
  if (d.outcome) {
    j["outcome"] = to_string(*d.outcome);
    j["exit_code"] = d.exit_code;
    j["reason"] = d.reason;
  }
  return j;
}

}  // namespace rollout
