// Binding the runtime templates ${weight.*} and ${stage.*}.
#include "runbook/bindings.hpp"

#include <string>

namespace rollout::runbook {

Expander bind_split(const Expander& base, int stable, int canary) {
  return base.with("weight.stable", std::to_string(stable))
      .with("weight.canary", std::to_string(canary));
}

Expander bind_step(const Expander& base, const Stage* stage, std::optional<int> canary) {
  Expander e = canary ? bind_split(base, 100 - *canary, *canary) : base;
  if (stage)
    e = e.with("stage.name", stage->name).with("stage.weight", std::to_string(stage->weight));
  return e;
}

}  // namespace rollout::runbook
