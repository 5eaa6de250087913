// The words of the event enums, and what a word this version does not know reads as.
#include "events/enums.hpp"

#include <doctest/doctest.h>

using namespace rollout::events;

TEST_CASE("each enum reads back the word it writes") {
  for (auto v : {RollbackTrigger::breach, RollbackTrigger::step_failed, RollbackTrigger::abort,
                 RollbackTrigger::interrupt, RollbackTrigger::timeout, RollbackTrigger::journal})
    CHECK(from_string(to_string(v), RollbackTrigger{}) == v);
  for (int i = 0; i < static_cast<int>(FinishedOutcome::unknown); ++i) {
    const auto v = static_cast<FinishedOutcome>(i);
    CHECK(from_string(to_string(v), FinishedOutcome{}) == v);
  }
  CHECK(to_string(StepPhase::before) == "before");
  CHECK(to_string(BreachCounter::max_extend) == "max_extend");
  CHECK(to_string(InterruptAction::stop) == "stop");
  CHECK(to_string(FinishedOutcome::rollback_failed) == "rollback_failed");
}

TEST_CASE("an unknown word reads as unknown, which spells nothing") {
  CHECK(from_string("cosmic_ray", RollbackTrigger{}) == RollbackTrigger::unknown);
  CHECK(from_string("", FinishedOutcome{}) == FinishedOutcome::unknown);
  CHECK(from_string("Before", StepPhase{}) == StepPhase::unknown);
  CHECK(to_string(BreachCounter::unknown).empty());
  CHECK(operator_asked(RollbackTrigger::interrupt));
  CHECK_FALSE(operator_asked(RollbackTrigger::breach));
}
