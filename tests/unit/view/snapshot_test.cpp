// The picture an operator watches: fits the width, shows the gate against its threshold
// with a trend, counts the hold down, says what to do; colour only when asked.
#include "view/snapshot.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <sstream>
#include <vector>

#include "report/sample_journals.hpp"
#include "view/text.hpp"

using namespace rollout;
using namespace rollout::testing;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::unique_ptr<Snapshot> feed(const std::vector<Event>& events, std::size_t n = SIZE_MAX) {
  auto s = std::make_unique<Snapshot>();
  for (std::size_t i = 0; i < events.size() && i < n; ++i) s->on_event(events[i]);
  return s;
}

SnapshotOptions at(const Event& last, std::chrono::milliseconds later, int width,
                   bool color = false) {
  SnapshotOptions o;
  o.width = width;
  o.color = color;
  o.now = last.time + later;
  return o;
}

}  // namespace

TEST_CASE("during a breach the gate shows its value against the threshold, and the commands") {
  auto events = rollback_after_breach();
  // Up to the second failure, before the breach is declared.
  std::size_t n = 7;
  REQUIRE(events[n - 1].type == EventType::gate_measured);
  auto s = feed(events, n);
  for (int width : {80, 200}) {
    std::string text = s->render(at(events[n - 1], std::chrono::seconds(0), width));
    for (const auto& l : lines_of(text))
      CHECK(view::display_width(l) <= static_cast<std::size_t>(width));
    CHECK(text.find("rollout analyzer") != std::string::npos);
    CHECK(text.find("stage 1/3 canary") != std::string::npos);
    CHECK(text.find("error_rate < 1%") != std::string::npos);
    CHECK(text.find("3.1%") != std::string::npos);
    CHECK(text.find("2 fails in a row") != std::string::npos);
    CHECK(text.find("rollout advance analyzer") != std::string::npos);
    CHECK(text.find("rollout abort analyzer") != std::string::npos);
    CHECK(text.find("stable  99%") != std::string::npos);
    CHECK(text.find("1% canary") != std::string::npos);
    CHECK(text.find('\x1b') == std::string::npos);  // no colour unless asked
  }
  std::string coloured = s->render(at(events[n - 1], std::chrono::seconds(0), 80, true));
  CHECK(coloured.find("\x1b[31m") != std::string::npos);  // the failing value in red
}

TEST_CASE("the hold counts down between events, with the rest of the rollout ahead") {
  auto events = promotion();
  // rollout_started, stage_started, weight_set, hold_started of canary (10 minutes).
  auto s = feed(events, 4);
  std::string text = s->render(at(events[3], std::chrono::minutes(4), 80));
  CHECK(text.find("40%  4m of 10m · 6m left") != std::string::npos);
  // 6 minutes of canary plus ramp's 20 minutes still ahead.
  CHECK(text.find("at least 26m to go") != std::string::npos);
  CHECK(text.find("ETA") != std::string::npos);
  auto j = s->to_json();
  CHECK(j["phase"] == "holding");
  CHECK(j["stage"] == "canary");
  // Recent events keep the journal's shape: "stage" only inside a stage.
  REQUIRE(j["recent"].size() >= 2);
  CHECK(j["recent"][0]["type"] == "rollout_started");
  CHECK_FALSE(j["recent"][0].contains("stage"));
  CHECK(j["recent"][1]["stage"] == "canary");
}

TEST_CASE("a gate keeps a bounded trend however long the hold") {
  JournalBuilder j;
  j.start().stage(0, "canary", 1, 1000, 600000);
  for (int i = 0; i < 1000; ++i) j.measure("canary", 2000 + i * 1000, 0.001 * (i % 7), "pass");
  auto s = feed(j.events());
  auto json = s->to_json();
  REQUIRE(json["gates"].size() == 1);
  CHECK(json["gates"][0]["recent"].size() == 24);
  CHECK(json["gates"][0]["measurements"] == 1000);
  CHECK(json["gates"][0]["max"].get<double>() == doctest::Approx(0.006));
  // The sparkline shows in the gate's row.
  std::string text = s->render(at(j.events().back(), std::chrono::seconds(0), 80));
  CHECK(text.find("▁") != std::string::npos);
  CHECK(text.find("█") != std::string::npos);
}

TEST_CASE("a finished rollback shows its steps, the outcome and where the report is") {
  auto events = rollback_after_breach();
  auto s = feed(events);
  std::string text = s->render(at(events.back(), std::chrono::hours(1), 80));
  CHECK(text.find("rolled back") != std::string::npos);
  CHECK(text.find("(exit 1)") != std::string::npos);
  CHECK(text.find("weight 0") != std::string::npos);
  CHECK(text.find("kill ultra_fast_analyzer") != std::string::npos);
  CHECK(text.find("health stable") != std::string::npos);
  CHECK(text.find("rollout report analyzer") != std::string::npos);
  CHECK(text.find("rollout abort analyzer") == std::string::npos);  // nothing left to abort
  auto j = s->to_json();
  CHECK(j["outcome"] == "rolled_back");
  CHECK(j["rollback"]["steps"].size() == 3);
}

TEST_CASE("text helpers: widths ignore colour, truncation keeps escapes whole") {
  CHECK(view::display_width("\x1b[31mréd\x1b[0m █") == 5);
  std::string cut = view::truncate("\x1b[31mabcdefgh\x1b[0m", 5);
  CHECK(view::display_width(cut) == 5);
  CHECK(cut.find("…") != std::string::npos);
  CHECK(cut.substr(cut.size() - 4) == "\x1b[0m");
  CHECK(view::human_duration(3'723'000) == "1h02m");
}

namespace {

// A gate measurement without a value, as the engine journals it: value null, and in the
// summary "no data" (the query returned nothing) or the C library's "nan"/"inf".
Event measured_without_value(JournalBuilder& j, std::int64_t t, const std::string& shown) {
  j.add(EventType::gate_measured, t, "canary", "error_rate: " + shown + " < 1% -> inconclusive",
        {{"gate", "error_rate < 1%"},
         {"check", "error_rate"},
         {"value", nullptr},
         {"threshold", 0.01},
         {"op", "<"},
         {"unit", "ratio"},
         {"outcome", "inconclusive"},
         {"fails", 0},
         {"inconclusives", 1},
         {"errors", 0}});
  return j.events().back();
}

// The line of the gates table that shows `gate`.
std::string gate_row(const std::string& text, const std::string& gate) {
  for (const auto& l : lines_of(text))
    if (l.find(gate) != std::string::npos && l.find("inconclusive") != std::string::npos &&
        l.find("->") == std::string::npos)
      return l;
  return {};
}

}  // namespace

TEST_CASE("a gate without a value says no data, NaN or Inf, never nan") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"no data", "no data"}, {"nan", "NaN"}, {"inf", "+Inf"}, {"-inf", "-Inf"}};
  for (const auto& [journaled, expected] : cases) {
    JournalBuilder j;
    j.start().stage(0, "canary", 1, 1000, 600000);
    const Event last = measured_without_value(j, 61000, journaled);
    auto s = feed(j.events());
    for (int width : {80, 200}) {
      const std::string text = s->render(at(last, std::chrono::seconds(0), width));
      const std::string row = gate_row(text, "error_rate < 1%");
      INFO(text);
      REQUIRE(!row.empty());
      CHECK(row.find(expected) != std::string::npos);
      CHECK(row.find("—") == std::string::npos);
      // The recent events list spells it the same way.
      CHECK(text.find("error_rate: " + expected + " < 1% -> inconclusive") != std::string::npos);
      CHECK(text.find("nan") == std::string::npos);
      CHECK(text.find(" inf") == std::string::npos);
    }
  }
}

TEST_CASE("a dry run's snapshot names the commands after its state directory, NAME.dry-run") {
  JournalBuilder j;
  j.start(true).stage(0, "canary", 1, 1000, 600000);
  j.measure("canary", 61000, 0.002, "pass");
  const Event holding = j.events().back();
  auto running = feed(j.events());
  std::string text = running->render(at(holding, std::chrono::seconds(0), 200));
  CHECK(text.find("rollout advance analyzer.dry-run") != std::string::npos);
  CHECK(text.find("rollout abort analyzer.dry-run") != std::string::npos);
  j.add(EventType::finished, 700000, "", "completed",
        {{"outcome", "completed"}, {"exit_code", 0}, {"reason", ""}});
  auto done = feed(j.events());
  text = done->render(at(j.events().back(), std::chrono::seconds(0), 80));
  INFO(text);
  // `rollout report analyzer` would read the real rollout (or find none).
  CHECK(text.find("rollout report analyzer.dry-run") != std::string::npos);
  CHECK(done->to_json()["name"] == "analyzer");  // the rollout's own name is unchanged

  // A real rollout keeps its plain name.
  auto real = feed(promotion());
  text = real->render(at(promotion().back(), std::chrono::seconds(0), 80));
  CHECK(text.find(".dry-run") == std::string::npos);
  bool hinted = false;
  for (const auto& l : lines_of(text))
    if (l.find("rollout report ") != std::string::npos)
      hinted = l.substr(l.size() - std::string(" analyzer").size()) == " analyzer";
  CHECK(hinted);
}

TEST_CASE(
    "with no process running it, the hold stands still and the picture says resume or abort") {
  auto events = promotion();
  auto s = feed(events, 4);  // holding the canary when its runner was killed
  auto o = at(events[3], std::chrono::minutes(4), 80);
  o.no_runner = true;
  std::string text = s->render(o);
  CHECK(text.find("0%  0ms of 10m · 10m left") != std::string::npos);  // not 4m on
  CHECK(text.find("ETA") == std::string::npos);
  CHECK(text.find("no process runs it") != std::string::npos);
  CHECK(text.find("rollout resume analyzer") != std::string::npos);
  CHECK(text.find("rollout advance") == std::string::npos);
}

TEST_CASE("paused at a manual gate, the next command is advance, not resume") {
  JournalBuilder j;
  j.start().stage(0, "canary", 1, 1000, 600000);
  j.add(EventType::awaiting_approval, 601200, "canary", "awaiting approval", {});
  j.add(EventType::paused, 601200, "canary", "paused: awaiting approval",
        {{"reason", "awaiting approval"}});
  j.add(EventType::finished, 601200, "", "paused",
        {{"outcome", "paused"}, {"exit_code", 5}, {"reason", "awaiting approval"}});
  auto s = feed(j.events());
  std::string text = s->render(at(j.events().back(), std::chrono::seconds(1), 100));
  CHECK(text.find("next     rollout advance analyzer") != std::string::npos);
  CHECK(text.find("rollout resume") == std::string::npos);
}
