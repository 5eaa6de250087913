// Binding the runtime templates ${weight.*}, ${stage.*} and ${event.*}.
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

Expander bind_event(const Expander& base, const EventValues& event) {
  Expander e = base.with("event.type", event.type)
                   .with("event.summary", event.summary)
                   .with("rollout.name", event.rollout);
  if (!event.stage.empty()) e = e.with("stage.name", event.stage);
  return e;
}

}  // namespace rollout::runbook
