// The one place ${weight.stable}, ${weight.canary}, ${stage.name}, ${stage.weight} and
// ${event.*} get their values: `plan`, the engine, the routers and the notifier all call
// these, so a plan shows what a run does. ${weight.*} is the split in force when a step runs (in a
// before step the previous stage's split, in an after step the stage's own, in a rollback step the
// split at that moment); in a router request it is the split being set. ${stage.weight} is the
// stage's target.
#pragma once

#include <optional>

#include "core/template.hpp"
#include "runbook/model.hpp"

namespace rollout::runbook {

// ${weight.stable} and ${weight.canary} in percent (stable + canary == 100).
Expander bind_split(const Expander& base, int stable, int canary);

// For a step: ${stage.*} when it belongs to a stage (not in the rollback), ${weight.*}
// when the split is known (nullopt: they stay unbound, e.g. in a plan's rollback steps
// before the rollback's own weight step).
Expander bind_step(const Expander& base, const Stage* stage, std::optional<int> canary);

// For a [[notify]] hook: ${event.type}, ${event.summary}, ${rollout.name}, and ${stage.name}
// when the event belongs to a stage (stage empty: it stays unbound). The values are taken as
// they go into the text: the caller escapes them first (e.g. for a JSON body).
struct EventValues {
  std::string type;
  std::string summary;
  std::string rollout;
  std::string stage;
};
Expander bind_event(const Expander& base, const EventValues& event);

}  // namespace rollout::runbook
