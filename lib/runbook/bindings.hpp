// The one place ${weight.stable}, ${weight.canary}, ${stage.name} and ${stage.weight} get
// their values: `plan`, the engine and the routers all call these, so a plan shows what a
// run does. ${weight.*} is the split in force when a step runs (in a before step the
// previous stage's split, in an after step the stage's own, in a rollback step the split
// at that moment); in a router request it is the split being set. ${stage.weight} is the
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

}  // namespace rollout::runbook
