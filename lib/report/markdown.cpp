// The report for people, in Markdown: the outcome and why in the first line, then the
// facts behind it (stages, gates, rollback timeline, operator actions, queries).
#include <algorithm>

#include <fmt/format.h>

#include "report/format.hpp"
#include "report/report.hpp"

namespace rollout::report {

namespace {

using nlohmann::json;

std::string s(const json& j, const char* key, const char* fallback = "") {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string(fallback);
}

std::string icon(const std::string& outcome) {
  if (outcome == "completed") return "✅";
  if (outcome == "rolled_back") return "↩️";
  if (outcome == "aborted") return "⛔";
  if (outcome == "paused") return "⏸️";
  if (outcome == "rollback_failed") return "🔥";
  if (outcome == "interrupted") return "⏹️";
  return "⏳";
}

std::string stage_outcome(const std::string& o) {
  if (o == "passed") return "✅ passed";
  if (o == "advanced") return "⏭️ advanced by operator";
  if (o == "breached") return "❌ breached";
  if (o == "aborted") return "⛔ aborted";
  if (o == "failed") return "❌ step failed";
  if (o == "timed_out") return "⌛ approval timed out";
  if (o == "interrupted") return "⏹️ interrupted";
  if (o == "paused") return "⏸️ paused";
  if (o == "running") return "⏳ running";
  if (o == "not_reached") return "— not reached";
  return o;
}

std::string gate_outcome(const json& g) {
  std::string o = s(g, "outcome");
  if (o == "breached") {
    const json& b = g["breach"];
    return fmt::format("❌ breached ({} limit {}, {})", s(b, "counter"),
                       b.value("limit", json(0)).dump(), s(b, "action"));
  }
  if (o == "pass") return "✅ pass";
  if (o == "fail") return "⚠️ some fails";
  if (o == "inconclusive") return "❔ some inconclusive";
  if (o == "error") return "⚠️ some errors";
  return o;
}

std::string counts(const json& g) {
  std::string out = fmt::format("{}", g.value("measurements", 0));
  std::vector<std::string> parts;
  for (const char* k : {"pass", "fail", "inconclusive", "error"})
    if (g.value(k, 0) > 0) parts.push_back(fmt::format("{} {}", g.value(k, 0), k));
  if (parts.size() > 1 || (parts.size() == 1 && g.value("pass", 0) == 0)) {
    out += " (";
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
    out += ")";
  }
  return out;
}

std::string actual_vs_planned(const json& st) {
  std::string planned = format_ms(st["planned_hold_ms"]);
  if (st["actual_ms"].is_null()) return fmt::format("— / {}", planned);
  return fmt::format("{} / {}", format_ms(st["actual_ms"]), planned);
}

}  // namespace

std::string to_markdown(const json& r) {
  std::string out;
  const std::string name = s(r, "name");
  const std::string outcome = s(r, "outcome", "running");
  auto line = [&](const std::string& text) { out += text + "\n"; };

  line(fmt::format("# {} {}", icon(outcome), s(r, "headline")));
  line("");
  line("| | |");
  line("|---|---|");
  std::string oc = outcome;
  std::replace(oc.begin(), oc.end(), '_', ' ');
  line(fmt::format(
      "| Outcome | **{}**{} |", oc,
      r["exit_code"].is_number() ? fmt::format(" (exit {})", r["exit_code"].dump()) : ""));
  if (!s(r, "reason").empty()) line(fmt::format("| Why | {} |", md_cell(s(r, "reason"))));
  if (!s(r, "runbook").empty()) line(fmt::format("| Runbook | `{}` |", md_cell(s(r, "runbook"))));
  if (r.value("dry_run", false)) line("| Mode | dry run (virtual clock, nothing touched) |");
  if (!s(r, "started_at").empty())
    line(fmt::format("| Started | {}{} |", readable_time(s(r, "started_at")),
                     s(r, "started_by").empty() ? "" : " by " + md_cell(s(r, "started_by"))));
  if (!s(r, "finished_at").empty())
    line(fmt::format("| Finished | {} |", readable_time(s(r, "finished_at"))));
  line(fmt::format("| Duration | {} |", format_ms(r["duration_ms"])));
  const json& rb = r["rollback"];
  if (rb.is_object()) {
    std::string verdict = rb["ok"].is_null()      ? "unfinished"
                          : rb.value("ok", false) ? "every step done"
                                                  : "FAILED";
    line(fmt::format("| Rollback | {} of {} budget{}, {} |", format_ms(rb["duration_ms"]),
                     format_ms(rb["budget_ms"]),
                     rb.value("over_budget", json(false)) == true ? " (**over budget**)" : "",
                     verdict));
  }
  line("");

  // Stages at a glance, then each stage's gates.
  line("## Stages");
  line("");
  line("| # | Stage | Weight | Actual / planned hold | Measurements | Outcome |");
  line("|---|---|---|---|---|---|");
  for (const auto& st : r["stages"])
    line(fmt::format(
        "| {} | {} | {} | {} | {} | {} |", st.value("index", 0) + 1, md_cell(s(st, "name")),
        st["weight"].is_number() ? st["weight"].dump() + "%" : "—", actual_vs_planned(st),
        st.value("measurements", 0), stage_outcome(s(st, "outcome"))));
  line("");
  for (const auto& st : r["stages"]) {
    if (s(st, "outcome") == "not_reached") continue;
    line(fmt::format("### Stage {}: {} ({})", st.value("index", 0) + 1, s(st, "name"),
                     st["weight"].is_number() ? st["weight"].dump() + "%" : "?"));
    line("");
    line(fmt::format("{}, {} (actual / planned hold), {} measurement{}.",
                     stage_outcome(s(st, "outcome")), actual_vs_planned(st),
                     st.value("measurements", 0), st.value("measurements", 0) == 1 ? "" : "s"));
    if (st.contains("advanced_by") && st["advanced_by"].is_string())
      line(fmt::format("Advanced by {}.", s(st, "advanced_by")));
    line("");
    if (!st["gates"].empty()) {
      line("| Gate | Threshold | Measurements | Min | Max | Last | Outcome |");
      line("|---|---|---|---|---|---|---|");
      for (const auto& g : st["gates"]) {
        std::string unit = s(g, "unit");
        line(fmt::format("| `{}` | {} {} | {} | {} | {} | {} | {} |", md_cell(s(g, "gate")),
                         md_cell(op_symbol(s(g, "op"))), format_measurement(g["threshold"], unit),
                         counts(g), format_measurement(g["min"], unit),
                         format_measurement(g["max"], unit), format_measurement(g["last"], unit),
                         gate_outcome(g)));
      }
      line("");
    }
    for (const auto& b : st["breaches"])
      line(fmt::format("- **Breach** at {}: {}", readable_time(s(b, "time")),
                       md_cell(s(b, "summary").empty() ? s(b, "gate") : s(b, "summary"))));
    bool any_failed = false;
    for (const auto& step : st["steps"])
      if (!step.value("ok", true)) any_failed = true;
    if (!st["steps"].empty()) {
      line(fmt::format("{}Steps:", st["breaches"].empty() ? "" : "\n"));
      for (const auto& step : st["steps"])
        line(fmt::format(
            "- {} {} `{}` {} ({}){}", step.value("ok", true) ? "✅" : "❌", s(step, "phase"),
            s(step, "kind"), md_cell(s(step, "description")), format_ms(step["duration_ms"]),
            s(step, "detail").empty() || !any_failed ? "" : ": " + md_cell(s(step, "detail"))));
    }
    if (!st["breaches"].empty() || !st["steps"].empty()) line("");
  }

  if (rb.is_object()) {
    line("## Rollback");
    line("");
    line(fmt::format("Triggered by **{}**{}: {}", s(rb, "trigger"),
                     s(rb, "stage").empty() ? "" : " at stage " + s(rb, "stage"),
                     md_cell(s(rb, "reason"))));
    line("");
    line("| # | Step | Started at | Took | Budget | Attempts | Result |");
    line("|---|---|---|---|---|---|---|");
    for (const auto& step : rb["steps"]) {
      std::string result = step.value("ok", false) ? "✅ done" : "❌ failed";
      if (step.value("over_budget", false)) result += " (**over budget**)";
      if (!s(step, "detail").empty() && !step.value("ok", false))
        result += ": " + md_cell(s(step, "detail"));
      line(fmt::format(
          "| {} | {} | +{} | {} | {} | {} | {} |", step.value("index", json(0)).dump(),
          md_cell(s(step, "description").empty() ? s(step, "kind") : s(step, "description")),
          format_ms(step["at_ms"]), format_ms(step["duration_ms"]), format_ms(step["budget_ms"]),
          step["attempts"].is_number() ? step["attempts"].dump() : "—", result));
    }
    std::string total = rb["ok"].is_null()      ? "⏳ unfinished"
                        : rb.value("ok", false) ? "✅ rolled back"
                                                : "❌ rollback failed";
    if (rb.value("over_budget", json(false)) == true) total += " (**over budget**)";
    line(fmt::format("| | **Total** | | **{}** | **{}** | | {} |", format_ms(rb["duration_ms"]),
                     format_ms(rb["budget_ms"]), total));
    line("");
    if (!rb["undone"].empty()) {
      line("**Not done — a person must finish these:**");
      line("");
      for (const auto& u : rb["undone"])
        line("- " + (u.is_string() ? u.get<std::string>() : u.dump()));
      line("");
    }
  }

  if (!r["operator_actions"].empty()) {
    line("## Operator actions");
    line("");
    line("| When | Who | Action | Stage | Detail |");
    line("|---|---|---|---|---|");
    for (const auto& a : r["operator_actions"]) {
      std::string detail;
      if (a.contains("reason") && a["reason"].is_string()) detail = s(a, "reason");
      if (a.contains("skipped_ms") && a["skipped_ms"].is_number())
        detail = fmt::format("skipped {} of hold", format_ms(a["skipped_ms"]));
      if (a.contains("signal") && a["signal"].is_string())
        detail = fmt::format("{}, then {}", s(a, "signal"), s(a, "then"));
      if (a.contains("from_stage") && a["from_stage"].is_string())
        detail = "from stage " + s(a, "from_stage");
      line(fmt::format("| {} | {} | {} | {} | {} |", readable_time(s(a, "time")),
                       md_cell(s(a, "by", "—")), s(a, "action"), md_cell(s(a, "stage")),
                       md_cell(detail)));
    }
    line("");
  }

  if (!r["queries"].empty()) {
    line("## Queries (as resolved)");
    line("");
    for (const auto& q : r["queries"]) {
      line(fmt::format("- `{}`:", s(q, "check")));
      line("");
      line("  ```");
      line("  " + s(q, "query"));
      line("  ```");
    }
    line("");
  }

  if (!r["warnings"].empty()) {
    line("## Warnings");
    line("");
    for (const auto& w : r["warnings"])
      line("- " + (w.is_string() ? w.get<std::string>() : w.dump()));
    line("");
  }
  line(
      fmt::format("<sub>rollout report v{} · `rollout report {} --format json` has every value "
                  "measured</sub>",
                  r.value("report_version", kReportVersion), name));
  return out;
}

}  // namespace rollout::report
