// make_world: the runbook's router, metric sources, health probe, process control and
// HTTP client as real providers. Each kind builds its own provider (routers.hpp,
// sources.hpp); this file only dispatches, after the one completeness check of the kind.
#include "providers/factory.hpp"

#include "providers/curl_http_client.hpp"
#include "providers/health_probe.hpp"
#include "providers/process.hpp"
#include "providers/routers.hpp"
#include "providers/sources.hpp"

namespace rollout {

namespace {

using namespace providers;

// Dispatch by kind: each kind's make_router / make_source (routers.hpp, sources.hpp).
Result<std::unique_ptr<Router>> make_router(const runbook::RouterSpec& spec,
                                            const Expander& expander, HttpClient& http) {
  if (auto missing = runbook::incomplete(spec)) return make_error(*missing);
  return std::visit([&](const auto& kind) { return providers::make_router(kind, expander, http); },
                    spec);
}

Result<std::unique_ptr<MetricSource>> make_source(const runbook::SourceSpec& spec,
                                                  const Expander& expander, HttpClient& http) {
  return std::visit([&](const auto& kind) { return providers::make_source(kind, expander, http); },
                    spec);
}

}  // namespace

Result<World> make_world(const runbook::Runbook& book, const Expander& expander) {
  World world;
  world.http = std::make_unique<CurlHttpClient>();
  world.process = std::make_unique<RealProcessControl>();
  world.health = std::make_unique<CurlHealthProbe>();
  auto router = make_router(book.router, expander, *world.http);
  if (!router) return router.error();
  world.router = std::move(*router);
  for (const auto& [name, spec] : book.metrics) {
    runbook::SourceSpec named = spec;
    if (runbook::common(named).name.empty()) runbook::common(named).name = name;
    auto source = make_source(named, expander, *world.http);
    if (!source) return source.error();
    world.sources[name] = std::move(*source);
  }
  return world;
}

}  // namespace rollout
