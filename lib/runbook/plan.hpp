// The resolved plan of a runbook: every step `rollout start` would run, in order, with
// templates resolved (secrets redacted), each stage's weight, hold, interval and gates with
// thresholds, the rollback steps with budgets, and the expected duration.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/template.hpp"
#include "runbook/model.hpp"

namespace rollout::runbook {

struct PlanTotals {
  Duration holds{0};      // sum of the stages' holds
  Duration steps_max{0};  // the most the before/after steps may add by their limits
  int manual_waits = 0;   // manual advances and manual pauses: time a person decides
};
PlanTotals plan_totals(const Runbook& book);

// `ex` is normally make_expander(book): its [vars], the environment, ${rollout.name}.
nlohmann::json plan_json(const Runbook& book, const Expander& ex);
std::string plan_text(const Runbook& book, const Expander& ex);

}  // namespace rollout::runbook
