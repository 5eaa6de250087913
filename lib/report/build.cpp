// Builds the report model (a JSON document, see rollout(1) REPORT) from a journal's events:
// one pass, stage by stage, keeping every gate's counts, extremes and values.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/duration.hpp"
#include "core/json_get.hpp"
#include "core/utc_time.hpp"
#include "report/format.hpp"
#include "report/report.hpp"

namespace rollout::report {

namespace {

using nlohmann::json;

json field(const json& data, const char* key) {
  auto it = data.find(key);
  return it != data.end() ? *it : json();
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
    const json& d = e.data;
    last_t_ms = std::max(last_t_ms, e.t_ms);
    if (!e.stage.empty()) current = e.stage;
    switch (e.type) {
      case EventType::rollout_started: {
        if (!started) {
          started = true;
          r["name"] = json_string(d, "name");
          r["runbook"] = json_string(d, "runbook");
          r["dry_run"] = d.value("dry_run", false);
          r["started_at"] = when(e);
          r["started_by"] = field(d, "by");
          if (auto it = d.find("stages"); it != d.end() && it->is_array())
            for (const auto& s : *it) {
              json& st = stage(json_string(s, "name"));
              st["weight"] = field(s, "weight");
              st["planned_hold_ms"] = field(s, "hold_ms");
            }
        }
        if (d.value("resumed", false))
          action(e, "resume", {{"by", field(d, "by")}, {"from_stage", field(d, "from_stage")}});
        else if (auto from = json_string(d, "from_stage"); !from.empty())
          action(e, "start", {{"by", field(d, "by")}, {"from_stage", from}});
        break;
      }
      case EventType::preflight:
        r["preflight"] = {{"ok", d.value("ok", true)}, {"checks", field(d, "checks")}};
        break;
      case EventType::stage_started: {
        json& st = stage(e.stage);
        if (d.contains("weight")) st["weight"] = d["weight"];
        if (d.contains("hold_ms")) st["planned_hold_ms"] = d["hold_ms"];
        if (d.contains("interval_ms")) st["interval_ms"] = d["interval_ms"];
        st["started_at"] = when(e);
        st["started_t_ms"] = e.t_ms;
        st["outcome"] = "running";
        break;
      }
      case EventType::step_started:
        break;
      case EventType::step_finished: {
        if (json_string(d, "phase") == "rollback" || e.stage.empty()) break;
        json step = {{"phase", field(d, "phase")},  {"index", field(d, "index")},
                     {"kind", field(d, "kind")},    {"description", field(d, "description")},
                     {"ok", d.value("ok", true)},   {"duration_ms", field(d, "duration_ms")},
                     {"detail", field(d, "detail")}};
        stage(e.stage)["steps"].push_back(std::move(step));
        break;
      }
      case EventType::weight_set:
        if (!d.value("ok", true))
          warnings.push_back(fmt::format("{}: setting traffic to {}/{} failed: {}", when(e),
                                         d.value("stable", 0), d.value("canary", 0),
                                         json_string(d, "detail")));
        break;
      case EventType::hold_started:
        if (!e.stage.empty()) stage(e.stage)["hold_started_t_ms"] = e.t_ms;
        break;
      case EventType::gate_measured: {
        if (e.stage.empty()) break;
        json& st = stage(e.stage);
        std::string text = json_string(d, "gate");
        if (text.empty()) text = json_string(d, "check");
        json& g = gate(st, text);
        g["check"] = field(d, "check");
        g["query"] = field(d, "query");
        g["unit"] = field(d, "unit");
        g["op"] = field(d, "op");
        g["threshold"] = field(d, "threshold");
        std::string outcome = json_string(d, "outcome");
        json value = field(d, "value");
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
        std::string check = json_string(d, "check"), query = json_string(d, "query");
        if (!check.empty() && !queries.count(check)) query_order.push_back(check);
        if (!check.empty() && !query.empty()) queries[check] = query;
        break;
      }
      case EventType::breach: {
        json b = {{"time", when(e)},
                  {"t_ms", e.t_ms},
                  {"stage", e.stage},
                  {"gate", field(d, "gate")},
                  {"counter", field(d, "counter")},
                  {"limit", field(d, "limit")},
                  {"action", field(d, "action")},
                  {"summary", e.summary}};
        if (!e.stage.empty()) {
          json& st = stage(e.stage);
          st["breaches"].push_back(b);
          for (auto& g : st["gates"])
            if (g["gate"] == b["gate"]) {
              g["breach"] = {
                  {"counter", b["counter"]}, {"limit", b["limit"]}, {"action", b["action"]}};
              g["outcome"] = "breached";
              b["last"] = g["last"];
              b["unit"] = g["unit"];
            }
        }
        breaches.push_back(std::move(b));
        break;
      }
      case EventType::awaiting_approval:
        if (!e.stage.empty()) stage(e.stage)["awaited_approval"] = true;
        break;
      case EventType::advanced:
        action(e, "advance", {{"by", field(d, "by")}, {"skipped_ms", field(d, "skipped_ms")}});
        if (!e.stage.empty()) stage(e.stage)["advanced_by"] = field(d, "by");
        break;
      case EventType::paused:
        r["paused_reason"] = field(d, "reason");
        if (!e.stage.empty()) stage(e.stage)["outcome"] = "paused";
        break;
      case EventType::abort_requested:
        action(e, "abort", {{"by", field(d, "by")}, {"reason", field(d, "reason")}});
        break;
      case EventType::interrupted:
        action(e, "interrupt", {{"signal", field(d, "signal")}, {"then", field(d, "action")}});
        break;
      case EventType::stage_completed: {
        json& st = stage(e.stage.empty() ? current : e.stage);
        st["actual_ms"] = field(d, "duration_ms");
        if (d.contains("measurements") && d["measurements"].is_number())
          st["measurements"] = d["measurements"];
        st["outcome"] = st.contains("advanced_by") ? "advanced" : "passed";
        break;
      }
      case EventType::rollback_started: {
        std::string trigger = json_string(d, "trigger");
        rollback = {{"reason", field(d, "reason")},
                    {"trigger", trigger},
                    {"stage", !e.stage.empty()  ? json(e.stage)
                              : current.empty() ? json()
                                                : json(current)},
                    {"started_at", when(e)},
                    {"started_t_ms", e.t_ms},
                    {"budget_ms", field(d, "budget_ms")},
                    {"duration_ms", nullptr},
                    {"over_budget", nullptr},
                    {"ok", nullptr},
                    {"steps", json::array()},
                    {"undone", json::array()}};
        std::string st_name = e.stage.empty() ? current : e.stage;
        if (!st_name.empty()) {
          json& st = stage(st_name);
          if (st["outcome"] == "running" || st["outcome"] == "paused" ||
              st["outcome"] == "not_reached") {
            st["outcome"] = trigger == "breach"        ? "breached"
                            : trigger == "abort"       ? "aborted"
                            : trigger == "step_failed" ? "failed"
                            : trigger == "interrupt"   ? "interrupted"
                            : trigger == "timeout"     ? "timed_out"
                                                       : "rolled_back";
          }
          if (st["actual_ms"].is_null() && st.contains("started_t_ms"))
            st["actual_ms"] = e.t_ms - st["started_t_ms"].get<std::int64_t>();
        }
        break;
      }
      case EventType::rollback_step: {
        if (rollback.is_null()) break;
        json step = {
            {"index", field(d, "index")},
            {"kind", field(d, "kind")},
            {"description", field(d, "description")},
            {"ok", d.value("ok", false)},
            {"duration_ms", field(d, "duration_ms")},
            {"budget_ms", field(d, "budget_ms")},
            {"attempts", field(d, "attempts")},
            {"detail", field(d, "detail")},
            {"at_ms", std::max<std::int64_t>(0, e.t_ms - d.value("duration_ms", std::int64_t{0}) -
                                                    rollback["started_t_ms"].get<std::int64_t>())}};
        step["over_budget"] =
            step["duration_ms"].is_number() && step["budget_ms"].is_number() &&
            step["duration_ms"].get<std::int64_t>() > step["budget_ms"].get<std::int64_t>();
        rollback["steps"].push_back(std::move(step));
        break;
      }
      case EventType::rollback_finished:
        if (rollback.is_null()) break;
        rollback["ok"] = d.value("ok", false);
        rollback["duration_ms"] = field(d, "duration_ms");
        if (d.contains("budget_ms")) rollback["budget_ms"] = d["budget_ms"];
        rollback["over_budget"] = field(d, "over_budget");
        if (rollback["over_budget"].is_null() && rollback["duration_ms"].is_number() &&
            rollback["budget_ms"].is_number())
          rollback["over_budget"] = rollback["duration_ms"].get<std::int64_t>() >
                                    rollback["budget_ms"].get<std::int64_t>();
        if (auto it = d.find("undone"); it != d.end() && it->is_array()) rollback["undone"] = *it;
        break;
      case EventType::completed:
        r["duration_ms"] = field(d, "duration_ms");
        break;
      case EventType::warning:
        warnings.push_back(
            fmt::format("{}: {}", when(e),
                        json_string(d, "message").empty() ? e.summary : json_string(d, "message")));
        break;
      case EventType::finished:
        r["outcome"] = field(d, "outcome");
        r["exit_code"] = field(d, "exit_code");
        r["reason"] = field(d, "reason");
        r["finished_at"] = when(e);
        if (!r.contains("duration_ms") || r["duration_ms"].is_null()) r["duration_ms"] = e.t_ms;
        break;
    }
  }

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
