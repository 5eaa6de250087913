// The world a rollout runs against: the real providers on the real clock, or the
// rehearsal world (lib/rehearsal) on a virtual clock for a dry run. World::make is the one
// place that chooses; the engine, the notifier, the preflight of `plan --check` and the
// session see only the ports.
#pragma once

#include <memory>
#include <optional>

#include "core/result.hpp"
#include "core/template.hpp"
#include "engine/engine.hpp"
#include "engine/preflight.hpp"
#include "providers/factory.hpp"
#include "rehearsal/scenario.hpp"
#include "rehearsal/scripted_world.hpp"
#include "runbook/model.hpp"

namespace rollout::session {

class World {
 public:
  // `rehearsal`: a dry run, on `scenario` (ignored otherwise). `book` and `expander` must
  // outlive the world. An Error (kind usage) when a provider cannot be built.
  static Result<World> make(const runbook::Runbook& book, const Expander& expander, bool rehearsal,
                            rehearsal::Scenario scenario = {});

  bool rehearsal() const { return scripted_ != nullptr; }
  // The engine's ports on this world, with the caller's control channel and store.
  engine::Ports ports(ControlChannel& control, StateStore& store);
  // `plan --check`: start's preflight alone on this world (router, queries, health); it
  // only reads.
  engine::PreflightResult preflight();
  // The rehearsal world follows the events (to know when stages start); nullptr otherwise.
  EventSink* listener() { return scripted_.get(); }
  // The [[notify]] webhooks as a subscriber; nullptr in a rehearsal (nothing is sent) or
  // when the runbook has none.
  std::unique_ptr<EventSink> notifier();

 private:
  World(const runbook::Runbook& book, const Expander& expander)
      : book_(&book), expander_(&expander) {}
  const runbook::Runbook* book_;
  const Expander* expander_;
  std::unique_ptr<Clock> clock_;
  std::unique_ptr<rehearsal::ScriptedWorld> scripted_;
  std::optional<rollout::World> real_;
  // The ports, from whichever of the two was made (chosen once, in make()).
  Router* router_ = nullptr;
  std::map<std::string, MetricSource*> sources_;
  HealthProbe* health_ = nullptr;
  ProcessControl* process_ = nullptr;
  HttpClient* http_ = nullptr;
};

}  // namespace rollout::session
