// The report for people, in Markdown: the outcome and why in the first line, then the
// facts behind it (stages, gates, rollback timeline, operator actions, queries).
#include <algorithm>

#include <functional>

#include <fmt/format.h>

#include "core/json_get.hpp"
#include "core/op_symbol.hpp"
#include "core/state_name.hpp"
#include "report/format.hpp"
#include "report/report.hpp"

namespace rollout::report {

namespace {

using nlohmann::json;

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
  // A dry-run gate's outcome is information: it never acted.
  if (g.value("dry_run", false)) {
    json shown = g;
    shown["dry_run"] = false;
    return "🧪 dry run: " + gate_outcome(shown);
  }
  std::string o = json_string(g, "outcome");
  if (o == "breached") {
    const json& b = g["breach"];
    return fmt::format("❌ breached ({} limit {}, {})", json_string(b, "counter"),
                       b.value("limit", json(0)).dump(), json_string(b, "action"));
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

// A stage's or the analysis's gates, one row each.
void gate_table(const json& gates, const std::function<void(const std::string&)>& line) {
  line("| Gate | Threshold | Measurements | Min | Max | Last | Outcome |");
  line("|---|---|---|---|---|---|---|");
  for (const auto& g : gates) {
    std::string unit = json_string(g, "unit");
    line(fmt::format("| `{}` | {} {} | {} | {} | {} | {} | {} |", md_cell(json_string(g, "gate")),
                     md_cell(op_symbol(json_string(g, "op"))),
                     g["expected"].is_string() ? md_cell(json_string(g, "expected"))
                                               : format_measurement(g["threshold"], unit),
                     counts(g), format_measurement(g["min"], unit),
                     format_measurement(g["max"], unit),
                     g["last_word"].is_string() ? md_cell(json_string(g, "last_word"))
                                                : format_measurement(g["last"], unit),
                     gate_outcome(g)));
  }
  line("");
}

// The background analysis: one run across stages, one table.
void analysis_section(const json& a, const std::function<void(const std::string&)>& line) {
  line("## Background analysis");
  line("");
  const std::string span =
      a["from"].is_string()
          ? fmt::format("From stage {} to the end of stage {}, every {}", json_string(a, "from"),
                        json_string(a, "until"), format_ms(a["interval_ms"]))
          : std::string("Measured across stages");
  const std::string end = !a.value("finished", false)              ? "stopped before its end"
                          : a.value("passing", json(true)) == true ? "ran to its end, passing"
                                                                   : "ran to its end, not passing";
  line(fmt::format("{}: {}.", span, end));
  line("");
  if (a.contains("gates") && !a["gates"].empty()) gate_table(a["gates"], line);
}

}  // namespace

std::string to_markdown(const json& r) {
  std::string out;
  const std::string name = json_string(r, "name");
  const std::string outcome = json_string(r, "outcome", "running");
  auto line = [&](const std::string& text) { out += text + "\n"; };

  line(fmt::format("# {} {}", icon(outcome), json_string(r, "headline")));
  line("");
  line("| | |");
  line("|---|---|");
  std::string oc = outcome;
  std::replace(oc.begin(), oc.end(), '_', ' ');
  line(fmt::format(
      "| Outcome | **{}**{} |", oc,
      r["exit_code"].is_number() ? fmt::format(" (exit {})", r["exit_code"].dump()) : ""));
  if (!json_string(r, "reason").empty())
    line(fmt::format("| Why | {} |", md_cell(json_string(r, "reason"))));
  if (!json_string(r, "runbook").empty())
    line(fmt::format("| Runbook | `{}` |", md_cell(json_string(r, "runbook"))));
  if (r.value("dry_run", false)) line("| Mode | dry run (virtual clock, nothing touched) |");
  if (!json_string(r, "started_at").empty())
    line(fmt::format("| Started | {}{} |", readable_time(json_string(r, "started_at")),
                     json_string(r, "started_by").empty()
                         ? ""
                         : " by " + md_cell(json_string(r, "started_by"))));
  if (!json_string(r, "finished_at").empty())
    line(fmt::format("| Finished | {} |", readable_time(json_string(r, "finished_at"))));
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
    line(fmt::format("| {} | {} | {} | {} | {} | {} |", st.value("index", 0) + 1,
                     md_cell(json_string(st, "name")),
                     st["weight"].is_number() ? st["weight"].dump() + "%" : "—",
                     actual_vs_planned(st), st.value("measurements", 0),
                     stage_outcome(json_string(st, "outcome"))));
  line("");
  for (const auto& st : r["stages"]) {
    if (json_string(st, "outcome") == "not_reached") continue;
    line(fmt::format("### Stage {}: {} ({})", st.value("index", 0) + 1, json_string(st, "name"),
                     st["weight"].is_number() ? st["weight"].dump() + "%" : "?"));
    line("");
    line(fmt::format("{}, {} (actual / planned hold), {} measurement{}.",
                     stage_outcome(json_string(st, "outcome")), actual_vs_planned(st),
                     st.value("measurements", 0), st.value("measurements", 0) == 1 ? "" : "s"));
    if (st.contains("advanced_by") && st["advanced_by"].is_string())
      line(fmt::format("Advanced by {}.", json_string(st, "advanced_by")));
    line("");
    if (!st["gates"].empty()) gate_table(st["gates"], line);
    for (const auto& b : st["breaches"])
      line(fmt::format("- **Breach** at {}: {}", readable_time(json_string(b, "time")),
                       md_cell(json_string(b, "summary").empty() ? json_string(b, "gate")
                                                                 : json_string(b, "summary"))));
    bool any_failed = false;
    for (const auto& step : st["steps"])
      if (!step.value("ok", true)) any_failed = true;
    if (!st["steps"].empty()) {
      line(fmt::format("{}Steps:", st["breaches"].empty() ? "" : "\n"));
      for (const auto& step : st["steps"])
        line(fmt::format("- {} {} `{}` {} ({}){}", step.value("ok", true) ? "✅" : "❌",
                         json_string(step, "phase"), json_string(step, "kind"),
                         md_cell(json_string(step, "description")), format_ms(step["duration_ms"]),
                         json_string(step, "detail").empty() || !any_failed
                             ? ""
                             : ": " + md_cell(json_string(step, "detail"))));
    }
    if (!st["breaches"].empty() || !st["steps"].empty()) line("");
  }

  if (r.contains("analysis") && r["analysis"].is_object()) analysis_section(r["analysis"], line);

  if (rb.is_object()) {
    line("## Rollback");
    line("");
    line(
        fmt::format("Triggered by **{}**{}: {}", json_string(rb, "trigger"),
                    json_string(rb, "stage").empty() ? "" : " at stage " + json_string(rb, "stage"),
                    md_cell(json_string(rb, "reason"))));
    line("");
    line("| # | Step | Started at | Took | Budget | Attempts | Result |");
    line("|---|---|---|---|---|---|---|");
    for (const auto& step : rb["steps"]) {
      std::string result = step.value("ok", false) ? "✅ done" : "❌ failed";
      if (step.value("over_budget", false)) result += " (**over budget**)";
      if (!json_string(step, "detail").empty() && !step.value("ok", false))
        result += ": " + md_cell(json_string(step, "detail"));
      line(fmt::format(
          "| {} | {} | +{} | {} | {} | {} | {} |", step.value("index", json(0)).dump(),
          md_cell(json_string(step, "description").empty() ? json_string(step, "kind")
                                                           : json_string(step, "description")),
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
      if (a.contains("reason") && a["reason"].is_string()) detail = json_string(a, "reason");
      if (a.contains("skipped_ms") && a["skipped_ms"].is_number())
        detail = fmt::format("skipped {} of hold", format_ms(a["skipped_ms"]));
      if (a.contains("signal") && a["signal"].is_string())
        detail = fmt::format("{}, then {}", json_string(a, "signal"), json_string(a, "then"));
      if (a.contains("from_stage") && a["from_stage"].is_string())
        detail = "from stage " + json_string(a, "from_stage");
      line(fmt::format("| {} | {} | {} | {} | {} |", readable_time(json_string(a, "time")),
                       md_cell(json_string(a, "by", "—")), json_string(a, "action"),
                       md_cell(json_string(a, "stage")), md_cell(detail)));
    }
    line("");
  }

  if (!r["queries"].empty()) {
    line("## Queries (as resolved)");
    line("");
    for (const auto& q : r["queries"]) {
      line(fmt::format("- `{}`:", json_string(q, "check")));
      line("");
      line("  ```");
      line("  " + json_string(q, "query"));
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
  line(fmt::format(
      "<sub>rollout report v{} · `rollout report {} --format json` has every value "
      "measured</sub>",
      r.value("report_version", kReportVersion), state_name(name, r.value("dry_run", false))));
  return out;
}

}  // namespace rollout::report
