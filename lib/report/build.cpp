// Builds the report model (a JSON document, see rollout(1) REPORT) from a journal's events:
// one pass, stage by stage, keeping every gate's counts, extremes and values.
#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/duration.hpp"
#include "core/utc_time.hpp"
#include "report/format.hpp"
#include "report/report.hpp"

namespace rollout::report {

namespace {

using nlohmann::json;

// Optional text and numbers of a payload as the report writes them: null when absent.
json text_or_null(const std::string& s) {
  return s.empty() ? json() : json(s);
}
template <typename T>
json opt(const std::optional<T>& v) {
  return v ? json(*v) : json();
}
json value_json(const std::optional<double>& v) {
  return v && std::isfinite(*v) ? json(*v) : json();
}

std::string when(const Event& e) {
  return utc_iso8601(e.time);
}

struct Builder {
  json r = json::object();
  json stages = json::array();
  std::map<std::string, std::size_t> stage_at;  // name -> index in `stages`
  std::string current;
  std::map<std::string, std::string> queries;  // check -> resolved query
  std::vector<std::string> query_order;
  json actions = json::array();
  json warnings = json::array();
  json breaches = json::array();
  json rollback;  // null until rollback_started
  std::int64_t last_t_ms = 0;
  bool started = false;

  json& stage(const std::string& name) {
    auto it = stage_at.find(name);
    if (it != stage_at.end()) return stages[it->second];
    json s = {{"name", name},           {"index", stages.size()},
              {"weight", nullptr},      {"planned_hold_ms", nullptr},
              {"actual_ms", nullptr},   {"outcome", "not_reached"},
              {"measurements", 0},      {"gates", json::array()},
              {"steps", json::array()}, {"breaches", json::array()}};
    stage_at[name] = stages.size();
    stages.push_back(std::move(s));
    return stages.back();
  }

  json& gate(json& st, const std::string& text) {
    for (auto& g : st["gates"])
      if (g["gate"] == text) return g;
    st["gates"].push_back({{"gate", text},
                           {"check", ""},
                           {"query", ""},
                           {"unit", ""},
                           {"op", ""},
                           {"threshold", nullptr},
                           {"measurements", 0},
                           {"pass", 0},
                           {"fail", 0},
                           {"inconclusive", 0},
                           {"error", 0},
                           {"min", nullptr},
                           {"max", nullptr},
                           {"last", nullptr},
                           {"last_outcome", nullptr},
                           {"outcome", "pass"},
                           {"breach", nullptr},
                           {"values", json::array()}});
    return st["gates"].back();
  }

  void action(const Event& e, const std::string& what, const json& extra) {
    json a = {{"action", what}, {"time", when(e)}, {"t_ms", e.t_ms}, {"stage", e.stage}};
    for (const auto& [k, v] : extra.items()) a[k] = v;
    actions.push_back(std::move(a));
  }

  void on(const Event& e) {
    last_t_ms = std::max(last_t_ms, e.t_ms);
    if (!e.stage.empty()) current = e.stage;
    std::visit([&](const auto& d) { on(e, d); }, e.payload);
  }

  void on(const Event& e, const events::RolloutStarted& d) {
    if (!started) {
      started = true;
      r["name"] = d.name;
      r["runbook"] = d.runbook;
      r["dry_run"] = d.dry_run;
      r["started_at"] = when(e);
      r["started_by"] = d.by;
      for (const auto& s : d.stages) {
        json& st = stage(s.name);
        st["weight"] = s.weight;
        st["planned_hold_ms"] = s.hold_ms;
      }
    }
    if (d.resumed)
      action(e, "resume", {{"by", d.by}, {"from_stage", text_or_null(d.from_stage)}});
    else if (!d.from_stage.empty())
      action(e, "start", {{"by", d.by}, {"from_stage", d.from_stage}});
  }
  void on(const Event&, const events::Preflight& d) {
    json checks = json::array();
    for (const auto& c : d.checks)
      checks.push_back({{"what", c.what}, {"ok", c.ok}, {"detail", c.detail}});
    r["preflight"] = {{"ok", d.ok}, {"checks", std::move(checks)}};
  }
  void on(const Event& e, const events::StageStarted& d) {
    json& st = stage(e.stage);
    st["weight"] = d.weight;
    st["planned_hold_ms"] = d.hold_ms;
    st["interval_ms"] = d.interval_ms;
    st["started_at"] = when(e);
    st["started_t_ms"] = e.t_ms;
    st["outcome"] = "running";
  }
  void on(const Event& e, const events::StepFinished& d) {
    if (d.phase == events::StepPhase::rollback || e.stage.empty()) return;
    stage(e.stage)["steps"].push_back({{"phase", text_or_null(std::string(to_string(d.phase)))},
                                       {"index", d.index},
                                       {"kind", d.kind},
                                       {"description", d.description},
                                       {"ok", d.ok},
                                       {"duration_ms", d.duration_ms},
                                       {"detail", text_or_null(d.detail)}});
  }
  void on(const Event& e, const events::WeightSet& d) {
    if (!d.ok)
      warnings.push_back(fmt::format("{}: setting traffic to {}/{} failed: {}", when(e), d.stable,
                                     d.canary, d.detail));
  }
  void on(const Event& e, const events::HoldStarted&) {
    if (!e.stage.empty()) stage(e.stage)["hold_started_t_ms"] = e.t_ms;
  }
  void on(const Event& e, const events::GateMeasured& d) {
    if (e.stage.empty()) return;
    json& st = stage(e.stage);
    json& g = gate(st, d.gate.empty() ? d.check : d.gate);
    g["check"] = d.check;
    g["query"] = d.query;
    g["unit"] = d.unit;
    g["op"] = d.op;
    g["threshold"] = d.threshold;
    const std::string outcome = d.outcome ? std::string(to_string(*d.outcome)) : std::string();
    const json value = value_json(d.value);
    g["measurements"] = g["measurements"].get<int>() + 1;
    // A stage's measurements are the intervals measured: its busiest gate's count,
    // until stage_completed says.
    st["measurements"] = std::max(st["measurements"].get<int>(), g["measurements"].get<int>());
    if (g.contains(outcome)) g[outcome] = g[outcome].get<int>() + 1;
    if (value.is_number()) {
      double v = value.get<double>();
      if (g["min"].is_null() || v < g["min"].get<double>()) g["min"] = v;
      if (g["max"].is_null() || v > g["max"].get<double>()) g["max"] = v;
    }
    g["last"] = value;
    g["last_outcome"] = outcome;
    if (g["breach"].is_null() && outcome != "pass" && g["outcome"] == "pass")
      g["outcome"] = outcome;  // worst seen, until a breach says more
    g["values"].push_back({{"t_ms", e.t_ms}, {"value", value}, {"outcome", outcome}});
    if (!d.check.empty() && !queries.count(d.check)) query_order.push_back(d.check);
    if (!d.check.empty() && !d.query.empty()) queries[d.check] = d.query;
  }
  void on(const Event& e, const events::Breach& d) {
    json b = {{"time", when(e)},
              {"t_ms", e.t_ms},
              {"stage", e.stage},
              {"gate", d.gate},
              {"counter", text_or_null(std::string(to_string(d.counter)))},
              {"limit", d.limit},
              {"action", d.action},
              {"summary", e.summary}};
    if (!e.stage.empty()) {
      json& st = stage(e.stage);
      st["breaches"].push_back(b);
      for (auto& g : st["gates"])
        if (g["gate"] == b["gate"]) {
          g["breach"] = {{"counter", b["counter"]}, {"limit", b["limit"]}, {"action", b["action"]}};
          g["outcome"] = "breached";
          b["last"] = g["last"];
          b["unit"] = g["unit"];
        }
    }
    breaches.push_back(std::move(b));
  }
  void on(const Event& e, const events::AwaitingApproval&) {
    if (!e.stage.empty()) stage(e.stage)["awaited_approval"] = true;
  }
  void on(const Event& e, const events::Advanced& d) {
    action(e, "advance", {{"by", d.by}, {"skipped_ms", d.skipped_ms}});
    if (!e.stage.empty()) stage(e.stage)["advanced_by"] = d.by;
  }
  void on(const Event& e, const events::Paused& d) {
    r["paused_reason"] = d.reason;
    if (!e.stage.empty()) stage(e.stage)["outcome"] = "paused";
  }
  void on(const Event& e, const events::AbortRequested& d) {
    action(e, "abort", {{"by", d.by}, {"reason", d.reason}});
  }
  void on(const Event& e, const events::Interrupted& d) {
    action(e, "interrupt",
           {{"signal", d.signal}, {"then", text_or_null(std::string(to_string(d.action)))}});
  }
  void on(const Event& e, const events::StageCompleted& d) {
    json& st = stage(e.stage.empty() ? current : e.stage);
    st["actual_ms"] = d.duration_ms;
    if (d.measurements) st["measurements"] = *d.measurements;
    st["outcome"] = st.contains("advanced_by") ? "advanced" : "passed";
  }
  void on(const Event& e, const events::RollbackStarted& d) {
    using events::RollbackTrigger;
    rollback = {{"reason", d.reason},
                {"trigger", to_string(d.trigger)},
                {"stage", !e.stage.empty()  ? json(e.stage)
                          : current.empty() ? json()
                                            : json(current)},
                {"started_at", when(e)},
                {"started_t_ms", e.t_ms},
                {"budget_ms", opt(d.budget_ms)},
                {"duration_ms", nullptr},
                {"over_budget", nullptr},
                {"ok", nullptr},
                {"steps", json::array()},
                {"undone", json::array()}};
    const std::string st_name = e.stage.empty() ? current : e.stage;
    if (st_name.empty()) return;
    json& st = stage(st_name);
    if (st["outcome"] == "running" || st["outcome"] == "paused" || st["outcome"] == "not_reached") {
      st["outcome"] = d.trigger == RollbackTrigger::breach        ? "breached"
                      : d.trigger == RollbackTrigger::abort       ? "aborted"
                      : d.trigger == RollbackTrigger::step_failed ? "failed"
                      : d.trigger == RollbackTrigger::interrupt   ? "interrupted"
                      : d.trigger == RollbackTrigger::timeout     ? "timed_out"
                                                                  : "rolled_back";
    }
    if (st["actual_ms"].is_null() && st.contains("started_t_ms"))
      st["actual_ms"] = e.t_ms - st["started_t_ms"].get<std::int64_t>();
  }
  void on(const Event& e, const events::RollbackStep& d) {
    if (rollback.is_null()) return;
    json step = {
        {"index", d.index},
        {"kind", d.kind},
        {"description", d.description},
        {"ok", d.ok},
        {"duration_ms", d.duration_ms},
        {"budget_ms", opt(d.budget_ms)},
        {"attempts", d.attempts},
        {"detail", text_or_null(d.detail)},
        {"at_ms", std::max<std::int64_t>(
                      0, e.t_ms - d.duration_ms - rollback["started_t_ms"].get<std::int64_t>())}};
    step["over_budget"] = d.budget_ms && d.duration_ms > *d.budget_ms;
    rollback["steps"].push_back(std::move(step));
  }
  void on(const Event&, const events::RollbackFinished& d) {
    if (rollback.is_null()) return;
    rollback["ok"] = d.ok;
    rollback["duration_ms"] = d.duration_ms;
    if (d.budget_ms) rollback["budget_ms"] = *d.budget_ms;
    rollback["over_budget"] = opt(d.over_budget);
    if (rollback["over_budget"].is_null() && rollback["budget_ms"].is_number())
      rollback["over_budget"] = d.duration_ms > rollback["budget_ms"].get<std::int64_t>();
    rollback["undone"] = d.undone;
  }
  void on(const Event&, const events::Completed& d) { r["duration_ms"] = d.duration_ms; }
  void on(const Event& e, const events::Warning& d) {
    warnings.push_back(fmt::format("{}: {}", when(e), d.message.empty() ? e.summary : d.message));
  }
  void on(const Event& e, const events::Finished& d) {
    r["outcome"] = text_or_null(std::string(to_string(d.outcome)));
    r["exit_code"] = d.exit_code >= 0 ? json(d.exit_code) : json();
    r["reason"] = d.reason;
    r["finished_at"] = when(e);
    if (!r.contains("duration_ms") || r["duration_ms"].is_null()) r["duration_ms"] = e.t_ms;
  }
  // Nothing in the report: where a step started, where the stage stands.
  void on(const Event&, const events::StepStarted&) {}

  // The first line of the report: what happened and why, readable in ten seconds.
  std::string headline() const {
    std::string name = r.value("name", "");
    std::string outcome = r["outcome"].is_string() ? r["outcome"].get<std::string>() : "running";
    std::string where = current.empty() ? "" : fmt::format(" at stage {}", current);
    std::string why = r.contains("reason") && r["reason"].is_string()
                          ? r["reason"].get<std::string>()
                          : std::string();
    // A breach says it best: which gate, which counter, the last value.
    std::string gate_text, breach_detail;
    if (!breaches.empty()) {
      const json& b = breaches.back();
      gate_text = b.value("gate", "a gate");
      std::string counter = b.value("counter", "failure");
      std::string noun = counter == "failure" ? "failed"
                         : counter == "error" ? "could not be measured"
                                              : "was inconclusive";
      int limit = b.value("limit", 1);
      breach_detail = fmt::format("{} {} time{} in a row", noun, limit, limit == 1 ? "" : "s");
      if (b.contains("last") && b["last"].is_number())
        breach_detail +=
            fmt::format(", last value {}", format_measurement(b["last"], b.value("unit", "")));
    }
    std::string last_value;
    if (!breaches.empty() && breaches.back().contains("last") &&
        breaches.back()["last"].is_number())
      last_value = format_measurement(breaches.back()["last"], breaches.back().value("unit", ""));
    const bool breach_caused =
        !breach_detail.empty() &&
        (rollback.is_null() ? outcome == "paused" : rollback.value("trigger", "") == "breach");
    auto because = [&](const std::string& fallback) {
      std::string text = !why.empty() ? why : fallback;
      if (breach_caused) {
        if (text.find(gate_text) == std::string::npos)
          text = (text.empty() ? "" : text + ": ") + gate_text + " " + breach_detail;
        else if (text.find("in a row") == std::string::npos)
          text += " (" + breach_detail + ")";
        else if (!last_value.empty())
          text += ", last value " + last_value;
      }
      return text.empty() ? std::string() : ": " + text;
    };
    std::string rb;
    if (!rollback.is_null() && rollback["duration_ms"].is_number()) {
      rb = fmt::format("; rollback took {}", format_ms(rollback["duration_ms"]));
      if (rollback["budget_ms"].is_number())
        rb += fmt::format(" of its {} budget{}", format_ms(rollback["budget_ms"]),
                          rollback.value("over_budget", false) ? " (OVER BUDGET)" : "");
    }
    if (outcome == "completed") {
      std::size_t n = 0;
      for (const auto& s : stages)
        if (s["outcome"] == "passed" || s["outcome"] == "advanced") ++n;
      return fmt::format("{} completed: {} stage{} passed in {}", name, n, n == 1 ? "" : "s",
                         format_ms(r.value("duration_ms", json(last_t_ms))));
    }
    if (outcome == "rolled_back")
      return fmt::format("{} rolled back{}{}{}", name, where, because("a step failed"), rb);
    if (outcome == "aborted") {
      std::string by, text;
      for (const auto& a : actions)
        if (a["action"] == "abort") {
          if (a["by"].is_string()) by = " by " + a["by"].get<std::string>();
          if (a["reason"].is_string()) text = a["reason"].get<std::string>();
        }
      if (text.empty() && why.rfind("aborted by", 0) != 0) text = why;
      return fmt::format("{} aborted{}{}{}{}", name, by, where, text.empty() ? "" : ": " + text,
                         rb);
    }
    if (outcome == "paused")
      return fmt::format(
          "{} paused{}{}; `rollout advance {}` continues, `rollout abort {}` rolls back", name,
          where,
          because(r.value("paused_reason", json("")).is_string()
                      ? r.value("paused_reason", json("")).get<std::string>()
                      : ""),
          name, name);
    if (outcome == "rollback_failed") {
      std::string undone;
      if (!rollback.is_null())
        for (const auto& u : rollback["undone"])
          if (u.is_string()) undone += (undone.empty() ? "" : ", ") + u.get<std::string>();
      return fmt::format("{} ROLLBACK FAILED{}{} — a person must act{}", name, where,
                         because("a rollback step failed"),
                         undone.empty() ? "" : ": not done: " + undone);
    }
    if (outcome == "interrupted")
      return fmt::format("{} interrupted{}{}; `rollout resume {}` continues", name, where,
                         because(""), name);
    return fmt::format(
        "{} has not finished (journal ends{} after {}): still running, or the "
        "process died; `rollout status {}` tells which",
        name, where, format_duration(Duration{last_t_ms}, Rounding::tenths), name);
  }

  json finish() {
    r["report_version"] = kReportVersion;
    if (!r.contains("outcome") || r["outcome"].is_null()) {
      r["outcome"] = "running";
      r["exit_code"] = nullptr;
    }
    if (!r.contains("duration_ms") || r["duration_ms"].is_null()) r["duration_ms"] = last_t_ms;
    for (auto& st : stages) {
      // A stage still "running" when the journal ends (crash, pause) gets its time so far.
      if (st["actual_ms"].is_null() && st.contains("started_t_ms"))
        st["actual_ms"] = last_t_ms - st["started_t_ms"].get<std::int64_t>();
    }
    r["headline"] = headline();
    r["stages"] = stages;
    json q = json::array();
    for (const auto& check : query_order)
      if (queries.count(check)) q.push_back({{"check", check}, {"query", queries.at(check)}});
    r["queries"] = std::move(q);
    r["breaches"] = breaches;
    r["rollback"] = rollback;
    r["operator_actions"] = actions;
    r["warnings"] = warnings;
    for (const char* key : {"name", "runbook", "started_at", "finished_at", "reason"})
      if (!r.contains(key)) r[key] = nullptr;
    return r;
  }
};

}  // namespace

json build_report(const std::vector<Event>& events) {
  Builder b;
  for (const auto& e : events) b.on(e);
  return b.finish();
}

}  // namespace rollout::report
