// The real implementations of the ports, chosen by what the runbook says. The engine
// never sees a provider type, only the interfaces in lib/ports/.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "core/template.hpp"
#include "events/event.hpp"
#include "ports/health_probe.hpp"
#include "ports/http_client.hpp"
#include "ports/metric_source.hpp"
#include "ports/process_control.hpp"
#include "ports/router.hpp"
#include "runbook/model.hpp"

namespace rollout {

struct World {
  std::unique_ptr<HttpClient> http;
  std::unique_ptr<ProcessControl> process;
  std::unique_ptr<Router> router;
  std::map<std::string, std::unique_ptr<MetricSource>> sources;  // by [metrics.NAME]
  std::unique_ptr<HealthProbe> health;
};

// Builds every provider the runbook names. Templates in URLs, headers and commands are
// expanded with `expander` (router requests also get ${weight.stable}/${weight.canary}
// at each call). An Error when something cannot be built (e.g. a bad socket address).
Result<World> make_world(const runbook::Runbook& book, const Expander& expander);

// [[notify]] webhooks as an event subscriber. Sends in the background with each hook's
// timeout; a failing webhook is reported on stderr and never blocks the engine.
std::unique_ptr<EventSink> make_notifier(const runbook::Runbook& book, const Expander& expander,
                                         HttpClient& http);

}  // namespace rollout
