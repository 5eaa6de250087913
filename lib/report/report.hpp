// The report of a rollout, rebuilt from its journal (so it works after a crash): one JSON
// model (build_report) rendered as Markdown for people, as JSON, and as JUnit XML for CI
// test tabs. The JSON fields are documented in rollout(1), section REPORT.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "events/event.hpp"

namespace rollout::report {

inline constexpr int kReportVersion = 1;

// Everything a report says, from a journal's events in order.
nlohmann::json build_report(const std::vector<Event>& events);

// Markdown: the outcome and why in the first line, then a table per stage, the resolved
// queries, the rollback timeline and the operator's actions.
std::string to_markdown(const nlohmann::json& report);
// JUnit XML: a stage is a testcase, a breach a failure, a failed rollback an error.
std::string to_junit(const nlohmann::json& report);
// The report JSON, pretty-printed, ending with a newline.
std::string to_json_text(const nlohmann::json& report);

enum class Format { markdown, json, junit };
std::string render(const nlohmann::json& report, Format format);

struct WriteOptions {
  // Where to append the Markdown report as well (GitHub Actions' job summary); empty:
  // nowhere. write_reports fills it from $GITHUB_STEP_SUMMARY when `from_env`.
  std::string step_summary;
  bool from_env = true;
};

// Writes report.md, report.json and report.junit.xml into `dir` (the rollout's state
// directory; files 0600, each replaced atomically), and appends the Markdown to the
// GitHub step summary when there is one. The engine CLI calls this when a rollout ends.
Result<void> write_reports(const std::string& dir, const std::vector<Event>& events,
                           const WriteOptions& options = {});

}  // namespace rollout::report
