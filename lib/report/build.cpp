// The report model (a JSON document, see rollout(1) REPORT) from a journal's events: the
// one fold (events/fold.hpp) written out stage by stage, every gate's counts, extremes
// and values, the rollback and the operator's actions.
#include <fmt/format.h>

#include "core/utc_time.hpp"
#include "events/fold.hpp"
#include "report/headline.hpp"
#include "report/report.hpp"

namespace rollout::report {

namespace {

using nlohmann::json;

std::string when(std::chrono::system_clock::time_point t) {
  return utc_iso8601(t);
}
// Optional text and numbers as the report writes them: null when absent.
json text_or_null(std::string_view s) {
  return s.empty() ? json() : json(std::string(s));
}
template <typename T>
json opt(const std::optional<T>& v) {
  return v ? json(*v) : json();
}

json gate_json(const events::GateFold& g) {
  json values = json::array();
  for (const auto& p : g.trend)
    values.push_back({{"t_ms", p.t_ms},
                      {"value", events::number_or_null(p.value)},
                      {"outcome", events::outcome_word(p.outcome)}});
  return {{"gate", g.gate},
          {"check", g.check},
          {"query", g.query},
          {"unit", g.unit},
          {"op", g.op},
          {"threshold", g.threshold},
          {"measurements", g.measurements},
          {"pass", g.pass},
          {"fail", g.fail},
          {"inconclusive", g.inconclusive},
          {"error", g.error},
          {"min", opt(g.min)},
          {"max", opt(g.max)},
          {"last", events::number_or_null(g.last)},
          {"last_outcome", events::outcome_word(g.last_outcome)},
          // The worst seen, until a breach says more.
          {"outcome", g.breach              ? std::string("breached")
                      : g.first_not_passing ? events::outcome_word(g.first_not_passing)
                                            : std::string("pass")},
          {"breach", g.breach ? json{{"counter", text_or_null(to_string(g.breach->counter))},
                                     {"limit", g.breach->limit},
                                     {"action", g.breach->action}}
                              : json()},
          {"dry_run", g.dry_run},
          {"expected", text_or_null(g.expected)},
          {"last_word", text_or_null(g.last_word)},
          {"values", std::move(values)}};
}

// A stage's list has the breach as it happened; the report's list adds the gate's last
// value and unit.
json breach_json(const events::BreachAt& b, bool with_gate) {
  json j = {{"time", when(b.time)},
            {"t_ms", b.t_ms},
            {"stage", b.stage},
            {"gate", b.breach.gate},
            {"counter", text_or_null(to_string(b.breach.counter))},
            {"limit", b.breach.limit},
            {"action", b.breach.action},
            {"summary", b.summary}};
  if (with_gate && b.gate_known) {
    j["last"] = events::number_or_null(b.last);
    j["unit"] = b.unit;
  }
  return j;
}

json stage_json(const events::StageFold& s, std::int64_t last_t_ms) {
  json gates = json::array(), steps = json::array(), breaches = json::array();
  for (const auto& g : s.gates) gates.push_back(gate_json(g));
  for (const auto& st : s.steps)
    steps.push_back({{"phase", text_or_null(to_string(st.phase))},
                     {"index", st.index},
                     {"kind", st.kind},
                     {"description", st.description},
                     {"ok", st.ok},
                     {"duration_ms", st.duration_ms},
                     {"detail", text_or_null(st.detail)}});
  for (const auto& b : s.breaches) breaches.push_back(breach_json(b, false));
  // A stage still running when the journal ends (crash, pause) gets its time so far.
  const auto actual = s.duration_ms    ? s.duration_ms
                      : s.started_t_ms ? std::optional(last_t_ms - *s.started_t_ms)
                                       : std::nullopt;
  json j = {{"name", s.name},
            {"index", s.index},
            {"weight", opt(s.weight)},
            {"planned_hold_ms", opt(s.planned_hold_ms)},
            {"actual_ms", opt(actual)},
            {"outcome", to_string(s.outcome)},
            {"measurements", s.measurements},
            {"gates", std::move(gates)},
            {"steps", std::move(steps)},
            {"breaches", std::move(breaches)}};
  if (s.interval_ms) j["interval_ms"] = *s.interval_ms;
  if (s.started_at) j["started_at"] = when(*s.started_at);
  if (s.started_t_ms) j["started_t_ms"] = *s.started_t_ms;
  if (s.hold_started_t_ms) j["hold_started_t_ms"] = *s.hold_started_t_ms;
  if (s.awaited_approval) j["awaited_approval"] = true;
  if (s.advanced_by) j["advanced_by"] = *s.advanced_by;
  return j;
}

json rollback_json(const events::RollbackFold& rb) {
  json steps = json::array();
  for (const auto& [s, t_ms] : rb.steps)
    steps.push_back({{"index", s.index},
                     {"kind", s.kind},
                     {"description", s.description},
                     {"ok", s.ok},
                     {"duration_ms", s.duration_ms},
                     {"budget_ms", opt(s.budget_ms)},
                     {"attempts", s.attempts},
                     {"detail", text_or_null(s.detail)},
                     {"at_ms", std::max<std::int64_t>(0, t_ms - s.duration_ms - rb.started_t_ms)},
                     {"over_budget", s.budget_ms && s.duration_ms > *s.budget_ms}});
  json j = {{"reason", rb.reason},
            {"trigger", to_string(rb.trigger)},
            {"stage", text_or_null(rb.stage)},
            {"started_at", when(rb.started_at)},
            {"started_t_ms", rb.started_t_ms},
            {"budget_ms", opt(rb.budget_ms)},
            {"duration_ms", nullptr},
            {"over_budget", nullptr},
            {"ok", nullptr},
            {"steps", std::move(steps)},
            {"undone", json::array()}};
  if (const auto& done = rb.finished) {
    j["ok"] = done->ok;
    j["duration_ms"] = done->duration_ms;
    if (done->budget_ms) j["budget_ms"] = *done->budget_ms;
    j["over_budget"] = opt(done->over_budget);
    if (j["over_budget"].is_null() && j["budget_ms"].is_number())
      j["over_budget"] = done->duration_ms > j["budget_ms"].get<std::int64_t>();
    j["undone"] = done->undone;
  }
  return j;
}

json action_json(const events::OperatorAction& a) {
  json j = {{"action", a.action}, {"time", when(a.time)}, {"t_ms", a.t_ms}, {"stage", a.stage}};
  if (a.action == "start" || a.action == "resume") {
    j["by"] = a.by;
    j["from_stage"] = text_or_null(a.from_stage);
  } else if (a.action == "advance") {
    j["by"] = a.by;
    j["skipped_ms"] = opt(a.skipped_ms);
  } else if (a.action == "abort") {
    j["by"] = a.by;
    j["reason"] = a.reason;
  } else if (a.action == "interrupt") {
    j["signal"] = a.signal;
    j["then"] = std::string(to_string(a.then));
  }
  return j;
}

}  // namespace

json build_report(const std::vector<Event>& events) {
  events::Fold f;
  for (const auto& e : events) f.apply(e);

  json r = json::object();
  r["name"] = nullptr;
  r["runbook"] = nullptr;
  r["started_at"] = nullptr;
  if (f.started) {
    r["name"] = f.name;
    r["runbook"] = f.runbook;
    r["dry_run"] = f.dry_run;
    r["started_at"] = when(f.started_at);
    r["started_by"] = f.by;
  }
  if (f.preflight) {
    json checks = json::array();
    for (const auto& c : f.preflight->checks)
      checks.push_back({{"what", c.what}, {"ok", c.ok}, {"detail", c.detail}});
    r["preflight"] = {{"ok", f.preflight->ok}, {"checks", std::move(checks)}};
  }
  if (f.paused_reason) r["paused_reason"] = *f.paused_reason;
  r["report_version"] = kReportVersion;
  r["outcome"] = "running";
  r["exit_code"] = nullptr;
  r["reason"] = nullptr;
  r["finished_at"] = nullptr;
  if (f.finished) {
    const std::string_view outcome = to_string(f.finished->outcome);
    r["outcome"] = outcome.empty() ? json("running") : json(std::string(outcome));
    r["exit_code"] = f.finished->exit_code >= 0 ? json(f.finished->exit_code) : json();
    r["reason"] = f.finished->reason;
    r["finished_at"] = when(*f.finished_at);
  }
  r["duration_ms"] = duration_ms(f);
  r["headline"] = headline(f);
  json stages = json::array();
  for (const auto& s : f.stages) stages.push_back(stage_json(s, f.last_t_ms));
  r["stages"] = std::move(stages);
  r["analysis"] = nullptr;
  if (f.analysis_started || !f.analysis.empty()) {
    json gates = json::array();
    for (const auto& g : f.analysis) gates.push_back(gate_json(g));
    const auto& a = f.analysis_started;
    r["analysis"] = {{"from", a ? json(a->from) : json()},
                     {"until", a ? json(a->until) : json()},
                     {"interval_ms", a ? json(a->interval_ms) : json()},
                     // Whether it ran to the end of `until`, and was passing then.
                     {"finished", f.analysis_finished.has_value()},
                     {"passing", f.analysis_finished ? json(f.analysis_finished->passing) : json()},
                     {"gates", std::move(gates)}};
  }
  json queries = json::array();
  for (const auto& [check, query] : f.queries)
    if (!query.empty()) queries.push_back({{"check", check}, {"query", query}});
  r["queries"] = std::move(queries);
  json breaches = json::array();
  for (const auto& b : f.breaches) breaches.push_back(breach_json(b, true));
  r["breaches"] = std::move(breaches);
  r["rollback"] = f.rollback ? rollback_json(*f.rollback) : json();
  json actions = json::array();
  for (const auto& a : f.actions) actions.push_back(action_json(a));
  r["operator_actions"] = std::move(actions);
  json warnings = json::array();
  for (const auto& [t, text] : f.warnings) warnings.push_back(fmt::format("{}: {}", when(t), text));
  r["warnings"] = std::move(warnings);
  return r;
}

}  // namespace rollout::report
