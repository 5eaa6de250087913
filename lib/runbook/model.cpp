// Names of the runbook's enums as the runbook spells them, and the bounds derived from a stage.
#include "runbook/model.hpp"

#include <algorithm>

#include "core/overloaded.hpp"

namespace rollout::runbook {

std::size_t pattern_chars(std::string_view pattern) {
  std::size_t n = 0;
  for (char c : pattern) n += c != ' ' && c != '\t' && c != '\r' && c != '\n';
  return n;
}

const char* to_string(Unit u) {
  switch (u) {
    case Unit::ratio:
      return "ratio";
    case Unit::seconds:
      return "seconds";
    case Unit::bytes:
      return "bytes";
    case Unit::count:
      return "count";
  }
  return "count";
}

const char* to_string(CompareOp op) {
  switch (op) {
    case CompareOp::lt:
      return "<";
    case CompareOp::le:
      return "<=";
    case CompareOp::gt:
      return ">";
    case CompareOp::ge:
      return ">=";
    case CompareOp::eq:
      return "==";
    case CompareOp::ne:
      return "!=";
  }
  return "<";
}

const char* to_string(OnBreach b) {
  switch (b) {
    case OnBreach::rollback:
      return "rollback";
    case OnBreach::pause:
      return "pause";
    case OnBreach::notify:
      return "notify";
  }
  return "rollback";
}

const char* to_string(OnInconclusive i) {
  switch (i) {
    case OnInconclusive::rollback:
      return "rollback";
    case OnInconclusive::pause:
      return "pause";
    case OnInconclusive::ignore:
      return "ignore";
  }
  return "rollback";
}

const char* to_string(AdvanceMode a) {
  switch (a) {
    case AdvanceMode::automatic:
      return "auto";
    case AdvanceMode::manual:
      return "manual";
  }
  return "auto";
}

const char* to_string(OnTimeout t) {
  switch (t) {
    case OnTimeout::rollback:
      return "rollback";
    case OnTimeout::pause:
      return "pause";
  }
  return "rollback";
}

const char* to_string(OnInterrupt i) {
  switch (i) {
    case OnInterrupt::pause:
      return "pause";
    case OnInterrupt::rollback:
      return "rollback";
  }
  return "pause";
}

const char* step_kind(const Action& action) {
  return std::visit(
      Overloaded{
          [](const WeightStep&) { return "weight"; },
          [](const HealthStep&) { return "health"; },
          [](const GateStep&) { return "gate"; },
          [](const RunStep&) { return "run"; },  // shell steps too: same kind, same runner
          [](const KillStep&) { return "kill"; },
          [](const HttpStep&) { return "http"; },
          [](const PauseStep&) { return "pause"; },
      },
      action);
}

namespace {

// The longest time an acting gate of `gates` needs to reach its limits.
Duration longest_limit(const std::vector<Gate>& gates, const GateRules& owner) {
  Duration longest{0};
  for (const auto& g : gates) {
    const GateRules& r = rules_of(g, owner);
    if (!acts(r)) continue;
    const Duration interval = std::max(r.interval, Duration(100));
    const int limit =
        std::max({1, r.failure_limit, r.inconclusive_limit, r.error_limit, r.min_measurements});
    longest = std::max(longest, interval * limit + g.sustain.value_or(Duration(0)));
  }
  return longest;
}

bool any_acts(const std::vector<Gate>& gates, const GateRules& owner) {
  for (const auto& g : gates)
    if (acts(rules_of(g, owner))) return true;
  return false;
}

}  // namespace

bool covers(const Analysis& a, int stage_index) {
  return stage_index >= a.from_index && stage_index <= a.until_index;
}

Duration max_extend_of(const Stage& stage, const Analysis* analysis) {
  if (stage.max_extend) return *stage.max_extend;
  Duration longest = longest_limit(stage.gates, stage.rules);
  if (analysis) longest = std::max(longest, longest_limit(analysis->gates, analysis->rules));
  return longest;
}

bool any_gate_acts(const Stage& stage, const Analysis* analysis) {
  return any_acts(stage.gates, stage.rules) ||
         (analysis && any_acts(analysis->gates, analysis->rules));
}

OnBreach inconclusive_action(const GateRules& r) {
  if (!r.on_inconclusive) return r.on_breach;
  switch (*r.on_inconclusive) {
    case OnInconclusive::rollback:
      return OnBreach::rollback;
    case OnInconclusive::pause:
      return OnBreach::pause;
    case OnInconclusive::ignore:
      return OnBreach::notify;  // never reached: an ignored inconclusive does not breach
  }
  return r.on_breach;
}

}  // namespace rollout::runbook
