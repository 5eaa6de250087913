// The closed sets of words events carry, as enums: a step's phase, a rollback's trigger,
// a breach's counter, an interrupt's action, a rollout's outcome. Each reads and writes
// the journal's word; a word this version does not know (a damaged or foreign journal)
// reads as `unknown`, which spells "" (as a missing key did before).
#pragma once

#include <string_view>

namespace rollout::events {

enum class StepPhase { before, after, rollback, unknown };
enum class RollbackTrigger { breach, step_failed, abort, interrupt, timeout, journal, unknown };
// failure/inconclusive/error: a limit in a row; max_*: a budget in all; max_extend: the
// hold's extension ran out with the gate not passing.
enum class BreachCounter {
  failure,
  inconclusive,
  error,
  max_extend,
  max_failures,
  max_inconclusive,
  max_errors,
  unknown
};
enum class InterruptAction { pause, rollback, stop, unknown };
// lock_lost is never journaled (the lock is gone): it is shown only.
enum class FinishedOutcome {
  completed,
  rolled_back,
  aborted,
  paused,
  rollback_failed,
  interrupted,
  preflight_failed,
  journal_failed,
  uncertain,
  lock_lost,
  unknown,
};

std::string_view to_string(StepPhase v);
std::string_view to_string(RollbackTrigger v);
std::string_view to_string(BreachCounter v);
std::string_view to_string(InterruptAction v);
std::string_view to_string(FinishedOutcome v);

// Overloaded on the target type: from_string(s, RollbackTrigger{}).
StepPhase from_string(std::string_view s, StepPhase);
RollbackTrigger from_string(std::string_view s, RollbackTrigger);
BreachCounter from_string(std::string_view s, BreachCounter);
InterruptAction from_string(std::string_view s, InterruptAction);
FinishedOutcome from_string(std::string_view s, FinishedOutcome);

// An abort or an interrupt ends as "aborted", any other rollback as "rolled_back".
constexpr bool operator_asked(RollbackTrigger t) {
  return t == RollbackTrigger::abort || t == RollbackTrigger::interrupt;
}

}  // namespace rollout::events
