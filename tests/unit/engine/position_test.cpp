// A journal replayed into a position: where `resume`, `abort` and `status` pick up.
#include "engine/position.hpp"

#include <doctest/doctest.h>

using namespace rollout;

namespace {

Event ev(events::Payload payload, std::int64_t t_ms, std::string stage = "ramp") {
  Event e;
  e.type = events::type_of(payload);
  e.payload = std::move(payload);
  e.t_ms = t_ms;
  e.stage = std::move(stage);
  return e;
}

}  // namespace

TEST_CASE("replay: a hold interrupted halfway resumes with its remaining time") {
  using namespace events;
  RolloutStarted started;
  started.name = "a";
  StageStarted stage;
  stage.index = 1;
  std::vector<Event> log = {
      ev(started, 0, ""),
      ev(stage, 0),
      ev(WeightSet{90, 10, true, ""}, 10),
      ev(HoldStarted{1000, 1000}, 100),
      ev(GateMeasured{}, 400),
      ev(Interrupted{}, 450),
      ev(Finished{FinishedOutcome::interrupted, 130, ""}, 450, ""),
  };
  auto p = engine::replay(log);
  CHECK(p.stage == 1);
  CHECK(p.phase == engine::Phase::hold);
  CHECK(p.hold_remaining_ms == 650);
  CHECK(p.split == Split{90, 10});
  CHECK(p.outcome == rollout::events::FinishedOutcome::interrupted);
  CHECK_FALSE(p.final());
}

TEST_CASE("replay: a rollback of a trigger this version does not know resumes as an abort") {
  std::vector<nlohmann::json> lines = {
      {{"type", "rollout_started"}, {"seq", 1}, {"t_ms", 0}, {"name", "a"}, {"resumed", false}},
      {{"type", "rollback_started"}, {"seq", 2}, {"t_ms", 5}, {"trigger", "cosmic_ray"}},
      {{"type", "rollback_step"}, {"seq", 3}, {"t_ms", 9}, {"index", 0}, {"ok", true}},
  };
  const auto p = engine::replay(engine::events_from_journal(lines));
  CHECK(p.phase == engine::Phase::rollback);
  CHECK(p.step == 1);
  CHECK(p.rollback_trigger == rollout::events::RollbackTrigger::abort);
  CHECK(p.last_seq == 3);
}
