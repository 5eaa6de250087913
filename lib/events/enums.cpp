// Journal words of the event enums (enums.hpp).
#include "events/enums.hpp"

#include <array>

namespace rollout::events {

namespace {

// Names in enumerator order; `unknown` is the last enumerator and spells "".
template <typename E, std::size_t N>
std::string_view name_of(E v, const std::array<std::string_view, N>& names) {
  const auto i = static_cast<std::size_t>(v);
  return i < N ? names[i] : std::string_view();
}

template <typename E, std::size_t N>
E value_of(std::string_view s, const std::array<std::string_view, N>& names) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == s) return static_cast<E>(i);
  return static_cast<E>(N);  // unknown
}

constexpr std::array<std::string_view, 3> kPhases = {"before", "after", "rollback"};
constexpr std::array<std::string_view, 6> kTriggers = {"breach",    "step_failed", "abort",
                                                       "interrupt", "timeout",     "journal"};
constexpr std::array<std::string_view, 7> kCounters = {
    "failure",      "inconclusive",     "error",     "max_extend",
    "max_failures", "max_inconclusive", "max_errors"};
constexpr std::array<std::string_view, 3> kActions = {"pause", "rollback", "stop"};
constexpr std::array<std::string_view, 10> kOutcomes = {
    "completed",   "rolled_back",      "aborted",        "paused",    "rollback_failed",
    "interrupted", "preflight_failed", "journal_failed", "uncertain", "lock_lost"};

static_assert(kPhases.size() == static_cast<std::size_t>(StepPhase::unknown));
static_assert(kTriggers.size() == static_cast<std::size_t>(RollbackTrigger::unknown));
static_assert(kCounters.size() == static_cast<std::size_t>(BreachCounter::unknown));
static_assert(kActions.size() == static_cast<std::size_t>(InterruptAction::unknown));
static_assert(kOutcomes.size() == static_cast<std::size_t>(FinishedOutcome::unknown));

}  // namespace

std::string_view to_string(StepPhase v) {
  return name_of(v, kPhases);
}
std::string_view to_string(RollbackTrigger v) {
  return name_of(v, kTriggers);
}
std::string_view to_string(BreachCounter v) {
  return name_of(v, kCounters);
}
std::string_view to_string(InterruptAction v) {
  return name_of(v, kActions);
}
std::string_view to_string(FinishedOutcome v) {
  return name_of(v, kOutcomes);
}

StepPhase from_string(std::string_view s, StepPhase) {
  return value_of<StepPhase>(s, kPhases);
}
RollbackTrigger from_string(std::string_view s, RollbackTrigger) {
  return value_of<RollbackTrigger>(s, kTriggers);
}
BreachCounter from_string(std::string_view s, BreachCounter) {
  return value_of<BreachCounter>(s, kCounters);
}
InterruptAction from_string(std::string_view s, InterruptAction) {
  return value_of<InterruptAction>(s, kActions);
}
FinishedOutcome from_string(std::string_view s, FinishedOutcome) {
  return value_of<FinishedOutcome>(s, kOutcomes);
}

}  // namespace rollout::events
