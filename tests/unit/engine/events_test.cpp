// Events as JSON lines and back; a journal replayed into a position.
#include <doctest/doctest.h>

#include "engine/events.hpp"
#include "engine/position.hpp"

using namespace rollout;

TEST_CASE("every event type has a name that reads back") {
  for (int i = 0; i <= static_cast<int>(EventType::finished); ++i) {
    const auto t = static_cast<EventType>(i);
    EventType back{};
    REQUIRE(event_type_from_string(to_string(t), back));
    CHECK(back == t);
  }
  EventType x{};
  CHECK_FALSE(event_type_from_string("weight_sett", x));
}

TEST_CASE("an event is one flat JSON object and reads back the same") {
  Event e;
  e.type = EventType::weight_set;
  e.seq = 7;
  e.time = std::chrono::system_clock::time_point{std::chrono::milliseconds(1795651200123)};
  e.t_ms = 1234;
  e.stage = "canary";
  e.summary = "traffic 99/1";
  e.data = {{"stable", 99}, {"canary", 1}, {"ok", true}};
  const auto j = to_json(e);
  CHECK(j["v"] == 1);
  CHECK(j["type"] == "weight_set");
  CHECK(j["time"] == "2026-11-26T00:00:00.123Z");
  CHECK(j["canary"] == 1);
  Event back;
  REQUIRE(from_json(nlohmann::json::parse(j.dump()), back));
  CHECK(back.type == e.type);
  CHECK(back.seq == 7);
  CHECK(back.time == e.time);
  CHECK(back.t_ms == 1234);
  CHECK(back.stage == "canary");
  CHECK(back.data == e.data);
  CHECK_FALSE(from_json(nlohmann::json{{"type", "schema"}}, back));
}

TEST_CASE("replay: a hold interrupted halfway resumes with its remaining time") {
  auto ev = [](EventType t, std::int64_t t_ms, nlohmann::json data, std::string stage = "ramp") {
    Event e;
    e.type = t;
    e.t_ms = t_ms;
    e.stage = std::move(stage);
    e.data = std::move(data);
    return e;
  };
  std::vector<Event> log = {
      ev(EventType::rollout_started, 0, {{"name", "a"}, {"resumed", false}}, ""),
      ev(EventType::stage_started, 0, {{"index", 1}}),
      ev(EventType::weight_set, 10, {{"stable", 90}, {"canary", 10}, {"ok", true}}),
      ev(EventType::hold_started, 100, {{"hold_ms", 1000}, {"remaining_ms", 1000}}),
      ev(EventType::gate_measured, 400, {}),
      ev(EventType::interrupted, 450, {}),
      ev(EventType::finished, 450, {{"outcome", "interrupted"}, {"exit_code", 130}}, ""),
  };
  auto p = engine::replay(log);
  CHECK(p.stage == 1);
  CHECK(p.phase == engine::Phase::hold);
  CHECK(p.hold_remaining_ms == 650);
  CHECK(p.split == Split{90, 10});
  CHECK(p.outcome == "interrupted");
  CHECK_FALSE(p.final());
}
