// Events as JSON lines and back, and an older journal's NaN/Inf read from its summary.
#include "events/event.hpp"

#include <cmath>

#include <doctest/doctest.h>

using namespace rollout;

namespace {

nlohmann::json gate_line(const std::string& summary) {
  return {
      {"type", "gate_measured"}, {"seq", 3},       {"t_ms", 61000},    {"stage", "canary"},
      {"summary", summary},      {"check", "p99"}, {"value", nullptr}, {"outcome", "inconclusive"}};
}

}  // namespace

TEST_CASE("an event is one flat JSON object and reads back the same") {
  Event e;
  e.type = EventType::weight_set;
  e.seq = 7;
  e.time = std::chrono::system_clock::time_point{std::chrono::milliseconds(1795651200123)};
  e.t_ms = 1234;
  e.stage = "canary";
  e.summary = "traffic 99/1";
  e.payload = events::WeightSet{99, 1, true, ""};
  const auto j = to_json(e);
  CHECK(j["v"] == 1);
  CHECK(j["type"] == "weight_set");
  CHECK(j["time"] == "2026-11-26T00:00:00.123Z");
  CHECK(j["canary"] == 1);
  CHECK_FALSE(j.contains("detail"));  // omitted when empty, as before
  Event back;
  REQUIRE(from_json(nlohmann::json::parse(j.dump()), back));
  CHECK(back.type == e.type);
  CHECK(back.seq == 7);
  CHECK(back.time == e.time);
  CHECK(back.t_ms == 1234);
  CHECK(back.stage == "canary");
  REQUIRE(back.as<events::WeightSet>());
  CHECK(back.as<events::WeightSet>()->stable == 99);
  CHECK(to_json(back) == j);
  CHECK_FALSE(from_json(nlohmann::json{{"type", "schema"}}, back));
  CHECK_FALSE(from_json(nlohmann::json::array(), back));
}

TEST_CASE("a non-finite gate value is journaled as null and named, and reads back") {
  Event e;
  e.type = EventType::gate_measured;
  events::GateMeasured g;
  g.check = "p99";
  g.value = -HUGE_VAL;
  g.outcome = Outcome::inconclusive;
  e.payload = g;
  const auto j = to_json(e);
  CHECK(j["value"].is_null());
  CHECK(j["non_finite"] == "-Inf");
  CHECK(j["outcome"] == "inconclusive");
  Event back;
  REQUIRE(from_json(j, back));
  const auto* b = back.as<events::GateMeasured>();
  REQUIRE(b);
  REQUIRE(b->value);
  CHECK(std::isinf(*b->value));
  CHECK(*b->value < 0);
  // A finite value has no such key; no value at all reads as none.
  g.value = 0.25;
  e.payload = g;
  CHECK_FALSE(to_json(e).contains("non_finite"));
  g.value.reset();
  e.payload = g;
  REQUIRE(from_json(to_json(e), back));
  CHECK_FALSE(back.as<events::GateMeasured>()->value);
}

TEST_CASE("an older journal's NaN/Inf, only in the summary, is read as the value") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"nan", "NaN"}, {"-nan", "NaN"}, {"inf", "+Inf"}, {"-inf", "-Inf"}, {"NaN", "NaN"}};
  for (const auto& [journaled, spelled] : cases) {
    Event e;
    REQUIRE(from_json(gate_line("p99: " + journaled + " < 200ms -> inconclusive"), e));
    const auto* g = e.as<events::GateMeasured>();
    REQUIRE(g);
    REQUIRE(g->value);
    CHECK(events::non_finite_word(*g->value) == spelled);
    CHECK(e.summary == "p99: " + spelled + " < 200ms -> inconclusive");
  }
  // No data, an error, or another check's line: no value, the summary unchanged.
  for (const std::string summary :
       {"p99: no data < 200ms -> inconclusive", "p99: error: timeout -> error",
        "p99: 12ms < 200ms -> pass", "error_rate: nan < 1% -> inconclusive"}) {
    Event e;
    REQUIRE(from_json(gate_line(summary), e));
    CHECK_FALSE(e.as<events::GateMeasured>()->value);
    CHECK(e.summary == summary);
  }
}

TEST_CASE("a journal line missing keys or holding the wrong types reads as defaults") {
  Event e;
  REQUIRE(from_json({{"type", "finished"}, {"exit_code", "three"}, {"outcome", 4}}, e));
  const auto* f = e.as<events::Finished>();
  REQUIRE(f);
  CHECK(f->outcome == events::FinishedOutcome::unknown);
  CHECK(f->exit_code == -1);
  REQUIRE(from_json({{"type", "hold_started"}, {"hold_ms", 600000}}, e));
  CHECK(e.as<events::HoldStarted>()->remaining_ms == 600000);
}
