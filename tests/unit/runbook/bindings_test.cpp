// Tests for runbook/bindings: the one place ${weight.*}, ${stage.*} and ${event.*} get values.
#include <doctest/doctest.h>

#include "runbook/bindings.hpp"

using namespace rollout;
using namespace rollout::runbook;

namespace {
Expander base() {
  return Expander({}, [](const std::string&) { return std::optional<std::string>(); });
}
}  // namespace

TEST_CASE("bind_step: ${stage.*} in a stage, ${weight.*} once the split is known") {
  Stage s;
  s.name = "canary";
  s.weight = 10;
  const Expander in_stage = bind_step(base(), &s, 5);
  CHECK(*in_stage.expand("${stage.name} ${stage.weight} ${weight.stable}/${weight.canary}") ==
        "canary 10 95/5");
  const Expander rollback = bind_step(base(), nullptr, std::nullopt);
  CHECK_FALSE(rollback.expand("${stage.name}").ok());
  CHECK_FALSE(rollback.expand("${weight.canary}").ok());
}

TEST_CASE("bind_event: ${event.*} and ${rollout.name}; ${stage.name} only for a stage's event") {
  const Expander e = bind_event(base(), {"breach", "p99 over", "svc", "canary"});
  CHECK(*e.expand("${rollout.name}: ${event.type} in ${stage.name}: ${event.summary}") ==
        "svc: breach in canary: p99 over");
  const Expander outside = bind_event(base(), {"completed", "done", "svc", ""});
  CHECK(*outside.expand("${event.type}") == "completed");
  CHECK_FALSE(outside.expand("${stage.name}").ok());
}
