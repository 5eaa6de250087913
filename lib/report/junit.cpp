// The report as JUnit XML for CI test tabs: one testsuite per rollout, a testcase per
// stage (a breach or failed step is a <failure>, a stage not reached is <skipped/>), and
// a "rollback" testcase when one ran (an incomplete rollback is an <error>).
#include <fmt/format.h>

#include "core/json_get.hpp"
#include "report/format.hpp"
#include "report/report.hpp"

namespace rollout::report {

namespace {

using nlohmann::json;

std::string seconds(const json& ms) {
  return ms.is_number() ? fmt::format("{:.3f}", ms.get<double>() / 1000.0) : "0";
}

// Every gate of a stage, one line each, for <system-out>.
std::string gate_lines(const json& st) {
  std::string out;
  for (const auto& g : st["gates"]) {
    std::string unit = json_string(g, "unit");
    out += fmt::format("{}: {} measurements, min {} max {} last {}, {}\n", json_string(g, "gate"),
                       g.value("measurements", 0), format_measurement(g["min"], unit),
                       format_measurement(g["max"], unit), format_measurement(g["last"], unit),
                       json_string(g, "outcome"));
  }
  return out;
}

}  // namespace

std::string to_junit(const json& r) {
  const std::string name = json_string(r, "name");
  const std::string cls = xml_escape("rollout." + name);
  std::string cases;
  int tests = 0, failures = 0, errors = 0, skipped = 0;

  for (const auto& st : r["stages"]) {
    ++tests;
    const std::string outcome = json_string(st, "outcome");
    std::string body;
    if (outcome == "not_reached") {
      ++skipped;
      body = "      <skipped message=\"not reached\"/>\n";
    } else if (outcome == "breached" || outcome == "failed" || outcome == "timed_out" ||
               !st["breaches"].empty()) {
      ++failures;
      std::string message, text;
      for (const auto& b : st["breaches"]) {
        if (message.empty())
          message = fmt::format("{}: {} limit {} reached", json_string(b, "gate"),
                                json_string(b, "counter"), b.value("limit", json(0)).dump());
        text += fmt::format("{} {}\n", json_string(b, "time"), json_string(b, "summary"));
      }
      for (const auto& step : st["steps"])
        if (!step.value("ok", true)) {
          if (message.empty())
            message = fmt::format("step failed: {} {}", json_string(step, "kind"),
                                  json_string(step, "description"));
          text += fmt::format("{} step {} failed: {}\n", json_string(step, "phase"),
                              json_string(step, "description"), json_string(step, "detail"));
        }
      if (message.empty()) message = outcome;
      body = fmt::format("      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                         xml_escape(st["breaches"].empty() ? outcome : "breach"),
                         xml_escape(message), xml_escape(text));
    } else if (outcome == "aborted" || outcome == "interrupted" || outcome == "paused" ||
               outcome == "running") {
      ++skipped;
      body = fmt::format("      <skipped message=\"{}\"/>\n", xml_escape(outcome));
    }
    std::string out = gate_lines(st);
    if (!out.empty()) body += "      <system-out>" + xml_escape(out) + "</system-out>\n";
    cases +=
        fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{}\"", cls,
                    xml_escape(fmt::format("stage {} ({}%)", json_string(st, "name"),
                                           st["weight"].is_number() ? st["weight"].dump() : "?")),
                    seconds(st["actual_ms"]));
    cases += body.empty() ? "/>\n" : ">\n" + body + "    </testcase>\n";
  }

  const json& rb = r["rollback"];
  if (rb.is_object()) {
    ++tests;
    std::string timeline;
    for (const auto& step : rb["steps"])
      timeline += fmt::format(
          "{} {} took {} (budget {}){}\n", step.value("ok", false) ? "ok  " : "FAIL",
          json_string(step, "description").empty() ? json_string(step, "kind")
                                                   : json_string(step, "description"),
          format_ms(step["duration_ms"]), format_ms(step["budget_ms"]),
          json_string(step, "detail").empty() ? "" : ": " + json_string(step, "detail"));
    std::string body;
    if (rb["ok"] != true) {
      ++errors;
      std::string undone;
      for (const auto& u : rb["undone"])
        undone += (u.is_string() ? u.get<std::string>() : u.dump()) + "\n";
      body = fmt::format("      <error type=\"rollback_failed\" message=\"{}\">{}</error>\n",
                         xml_escape("rollback incomplete: a person must act"),
                         xml_escape(timeline + (undone.empty() ? "" : "not done:\n" + undone)));
    } else if (rb.value("over_budget", json(false)) == true) {
      ++failures;
      body = fmt::format(
          "      <failure type=\"over_budget\" message=\"{}\">{}</failure>\n",
          xml_escape(fmt::format("rollback took {} of its {} budget", format_ms(rb["duration_ms"]),
                                 format_ms(rb["budget_ms"]))),
          xml_escape(timeline));
    }
    body += "      <system-out>" + xml_escape(json_string(rb, "reason") + "\n" + timeline) +
            "</system-out>\n";
    cases += fmt::format(
        "    <testcase classname=\"{}\" name=\"rollback\" time=\"{}\">\n{}    </testcase>\n", cls,
        seconds(rb["duration_ms"]), body);
  }

  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<testsuites name=\"rollout\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
      "skipped=\"{}\" time=\"{}\">\n",
      tests, failures, errors, skipped, seconds(r["duration_ms"]));
  out += fmt::format(
      "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
      "skipped=\"{}\" time=\"{}\"{}>\n",
      cls, tests, failures, errors, skipped, seconds(r["duration_ms"]),
      json_string(r, "started_at").empty()
          ? ""
          : " timestamp=\"" + xml_escape(json_string(r, "started_at").substr(0, 19)) + "\"");
  out += "    <properties>\n";
  out += fmt::format("      <property name=\"outcome\" value=\"{}\"/>\n",
                     xml_escape(json_string(r, "outcome")));
  out += fmt::format("      <property name=\"headline\" value=\"{}\"/>\n",
                     xml_escape(json_string(r, "headline")));
  if (!json_string(r, "runbook").empty())
    out += fmt::format("      <property name=\"runbook\" value=\"{}\"/>\n",
                       xml_escape(json_string(r, "runbook")));
  out += "    </properties>\n";
  out += cases;
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace rollout::report
