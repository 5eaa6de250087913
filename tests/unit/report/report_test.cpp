// The report as a person and a CI system read it: first line says what happened and why,
// the tables hold the facts, JUnit marks the breached stage, files land in the state dir.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "report/report.hpp"
#include "report/sample_journals.hpp"

namespace fs = std::filesystem;
using rollout::Event;
using rollout::EventType;
using namespace rollout::report;
using namespace rollout::testing;

namespace {

std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The text of the <testcase> whose name starts with `name`.
std::string testcase(const std::string& xml, const std::string& name) {
  auto at = xml.find("name=\"" + name);
  if (at == std::string::npos) return {};
  auto start = xml.rfind("<testcase", at);
  auto end = xml.find("</testcase>", at);
  auto self_close = xml.find("/>", at);
  if (end == std::string::npos || (self_close < end && xml.find('>', at) == self_close + 1))
    end = self_close;
  return xml.substr(start, end - start);
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "rollout-report-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST_CASE("a rollback after a breach says so, and why, in the first line") {
  auto report = build_report(rollback_after_breach());
  std::string md = to_markdown(report);
  std::string head = first_line(md);
  CHECK(head.find("analyzer rolled back") != std::string::npos);
  CHECK(head.find("at stage canary") != std::string::npos);
  CHECK(head.find("error_rate < 1%") != std::string::npos);
  CHECK(head.find("15.4s") != std::string::npos);  // rollback time against its budget
  CHECK(head.find("5m budget") != std::string::npos);
  CHECK(report["outcome"] == "rolled_back");
  CHECK(report["exit_code"] == 1);
}

TEST_CASE("the rollback timeline lists every step with its duration and budget") {
  std::string md = to_markdown(build_report(rollback_after_breach()));
  auto at = md.find("## Rollback");
  REQUIRE(at != std::string::npos);
  std::string section = md.substr(at, md.find("\n## ", at + 1) - at);
  CHECK(section.find("Triggered by **breach** at stage canary") != std::string::npos);
  CHECK(section.find("| 0 | weight 0 | +0s | 400ms | 30s |") != std::string::npos);
  CHECK(section.find("kill ultra_fast_analyzer (TERM) | +400ms | 12s | 1m |") != std::string::npos);
  CHECK(section.find("health stable") != std::string::npos);
  CHECK(section.find("**Total** | | **15.4s** | **5m**") != std::string::npos);
}

TEST_CASE("the breached gate's table row shows threshold, min, max, last and the counter") {
  auto report = build_report(rollback_after_breach());
  const auto& gate = report["stages"][0]["gates"][0];
  CHECK(gate["measurements"] == 3);
  CHECK(gate["fail"] == 2);
  CHECK(gate["min"].get<double>() == doctest::Approx(0.004));
  CHECK(gate["max"].get<double>() == doctest::Approx(0.031));
  CHECK(gate["outcome"] == "breached");
  CHECK(gate["values"].size() == 3);
  std::string md = to_markdown(report);
  CHECK(md.find("| `error_rate < 1%` | < 1% | 3 (1 pass, 2 fail) | 0.4% | 3.1% | 3.1% | ❌ breached "
                "(failure limit 2, rollback) |") != std::string::npos);
  // Stages never reached are listed as such, not as passed.
  CHECK(md.find("| 2 | ramp | 10% | — / 20m | 0 | — not reached |") != std::string::npos);
  // The resolved query is in the report.
  CHECK(md.find("sum(rate(errors{version=\"canary\"}[1m]))") != std::string::npos);
}

TEST_CASE("JUnit: the breached stage is a failure, unreached stages are skipped, text escaped") {
  std::string xml = to_junit(build_report(rollback_after_breach()));
  std::string canary = testcase(xml, "stage canary");
  REQUIRE(!canary.empty());
  CHECK(canary.find("<failure type=\"breach\"") != std::string::npos);
  CHECK(canary.find("error_rate &lt; 1%") != std::string::npos);
  CHECK(testcase(xml, "stage ramp").find("<skipped") != std::string::npos);
  CHECK(xml.find("tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"2\"") != std::string::npos);
  // No raw '<' outside markup: every '<' starts a tag or the XML declaration.
  for (std::size_t i = xml.find('<'); i != std::string::npos; i = xml.find('<', i + 1)) {
    char next = xml[i + 1];
    CHECK((next == '/' || next == '?' || std::isalpha(static_cast<unsigned char>(next))));
  }
}

TEST_CASE("an abort names who aborted and why, and lists the operator action") {
  auto report = build_report(abort_during_ramp());
  std::string md = to_markdown(report);
  std::string head = first_line(md);
  CHECK(head.find("analyzer aborted by bob at stage ramp") != std::string::npos);
  CHECK(head.find("customer complaints") != std::string::npos);
  CHECK(md.find("| bob | abort | ramp | customer complaints |") != std::string::npos);
  CHECK(report["stages"][0]["outcome"] == "passed");
  CHECK(report["stages"][1]["outcome"] == "aborted");
  std::string xml = to_junit(report);
  CHECK(testcase(xml, "stage canary").find("<failure") == std::string::npos);
}

TEST_CASE(
    "after a resume the report counts each stage from its first start, and says who advanced") {
  const auto events = resumed_then_advanced();
  auto report = build_report(events);
  const std::string md = to_markdown(report);
  // The whole rollout on the engine's clock, not the resumed run's 60.6 s.
  CHECK(first_line(md).find("analyzer completed: 2 stages passed, 1 advanced by an operator in "
                            "16m02s") != std::string::npos);
  const auto& ramp = report["stages"][1];
  CHECK(ramp["actual_ms"] == 961600 - 601300);
  CHECK(ramp["measurements"] == 6);
  CHECK(ramp["outcome"] == "advanced");
}

TEST_CASE("while a resumed run goes on, the report says running, not how the last run ended") {
  JournalBuilder j;
  j.start().stage(0, "canary", 1, 1000, 600000);
  j.add(EventType::paused, 2000, "canary", "paused: awaiting approval",
        {{"reason", "awaiting approval"}});
  j.add(EventType::finished, 2000, "", "paused",
        {{"outcome", "paused"}, {"exit_code", 5}, {"reason", "awaiting approval"}});
  j.add(EventType::rollout_started, 2000, "", "resuming analyzer at canary",
        {{"name", "analyzer"},
         {"runbook", "runbooks/analyzer.toml"},
         {"resumed", true},
         {"by", "bob"}});
  j.stage(0, "canary", 1, 2000, 600000);
  auto running = build_report(j.events());
  CHECK(running["outcome"] == "running");
  CHECK(running["exit_code"].is_null());
  CHECK(first_line(to_markdown(running)).find("has not finished") != std::string::npos);
}

TEST_CASE("a promotion reports every stage passed with planned against actual time") {
  auto report = build_report(promotion());
  std::string md = to_markdown(report);
  CHECK(first_line(md).find("analyzer completed: 3 stages passed in 30m02s") != std::string::npos);
  CHECK(md.find("| 1 | canary | 1% | 10m / 10m | 10 | ✅ passed |") != std::string::npos);
  CHECK(md.find("## Rollback") == std::string::npos);
  CHECK(report["rollback"].is_null());
  std::string xml = to_junit(report);
  CHECK(xml.find("<failure") == std::string::npos);
  CHECK(xml.find("<error") == std::string::npos);
}

TEST_CASE("a journal that ends mid-rollout (a crash) still gives a report") {
  auto events = rollback_after_breach();
  events.resize(5);  // up to the second measurement
  auto report = build_report(events);
  CHECK(report["outcome"] == "running");
  CHECK(first_line(to_markdown(report)).find("has not finished") != std::string::npos);
  CHECK(report["stages"][0]["outcome"] == "running");
}

TEST_CASE("write_reports puts three private files in the state dir and fills the step summary") {
  TempDir dir;
  fs::path summary = dir.path / "summary.md";
  { std::ofstream(summary) << "earlier step\n"; }
  WriteOptions options;
  options.step_summary = summary.string();
  REQUIRE(write_reports(dir.path.string(), rollback_after_breach(), options).ok());
  for (const char* name : {"report.md", "report.json", "report.junit.xml"}) {
    struct stat st {};
    REQUIRE(::stat((dir.path / name).c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
  }
  CHECK(nlohmann::json::parse(slurp(dir.path / "report.json"))["outcome"] == "rolled_back");
  std::string appended = slurp(summary);
  CHECK(appended.rfind("earlier step\n", 0) == 0);
  CHECK(appended.find("analyzer rolled back") != std::string::npos);
}

TEST_CASE("a failed rollback says a person must act and what is left, and JUnit has an error") {
  JournalBuilder j;
  j.start().stage(0, "canary", 1, 1000, 600000);
  j.measure("canary", 61000, 0.05, "fail", 1);
  j.add(
      EventType::breach, 61000, "canary", "breach",
      {{"gate", "error_rate < 1%"}, {"counter", "failure"}, {"limit", 1}, {"action", "rollback"}});
  j.add(
      EventType::rollback_started, 61100, "", "rolling back",
      {{"reason", "gate 'error_rate < 1%' breached"}, {"trigger", "breach"}, {"budget_ms", 60000}});
  j.add(EventType::rollback_step, 91100, "", "rollback step FAILED: weight 0",
        {{"index", 0},
         {"kind", "weight"},
         {"description", "weight 0"},
         {"ok", false},
         {"duration_ms", 30000},
         {"budget_ms", 30000},
         {"attempts", 4},
         {"detail", "socket refused"}});
  j.add(EventType::rollback_finished, 91100, "", "ROLLBACK INCOMPLETE",
        {{"ok", false},
         {"duration_ms", 30000},
         {"budget_ms", 60000},
         {"over_budget", false},
         {"undone", {"weight 0", "health stable"}}});
  j.add(EventType::finished, 91200, "", "rollback_failed",
        {{"outcome", "rollback_failed"},
         {"exit_code", 6},
         {"reason", "rollback incomplete: still to do: weight 0; health stable"}});
  auto report = build_report(j.events());
  std::string md = to_markdown(report);
  std::string head = first_line(md);
  CHECK(head.find("ROLLBACK FAILED") != std::string::npos);
  CHECK(head.find("a person must act") != std::string::npos);
  CHECK(md.find("socket refused") != std::string::npos);
  CHECK(md.find("- health stable") != std::string::npos);  // the list of what is not done
  std::string xml = to_junit(report);
  CHECK(testcase(xml, "rollback").find("<error type=\"rollback_failed\"") != std::string::npos);
}
