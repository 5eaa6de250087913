// make_world: the runbook's router, metric sources, health probe, process control and
// HTTP client as real providers. Connection details are expanded once here; what varies
// per call (the weights in router requests) is expanded at each call.
#include "providers/factory.hpp"

#include "providers/curl_http_client.hpp"
#include "providers/health_probe.hpp"
#include "providers/process.hpp"
#include "providers/routers.hpp"
#include "providers/sources.hpp"
#include "runbook/bindings.hpp"

namespace rollout {

namespace {

using namespace providers;

Error at(const std::string& where, const Error& e) {
  return make_error(where + ": " + e.message);
}

Expander with_weights(const Expander& e) {
  return runbook::bind_split(e, 100, 0);
}

Result<std::unique_ptr<Router>> make_router(const runbook::Router& spec, const Expander& expander,
                                            HttpClient& http) {
  switch (spec.type) {
    case runbook::RouterType::haproxy: {
      if (spec.sockets.empty()) return make_error("[router] haproxy needs at least one socket");
      if (spec.backend.empty()) return make_error("[router] haproxy needs a backend");
      if (spec.stable.empty() && spec.canary.empty())
        return make_error("[router] haproxy needs stable and canary servers");
      std::vector<SocketAddress> sockets;
      for (const auto& raw : spec.sockets) {
        auto text = expander.expand(raw);
        if (!text) return at("[router] sockets", text.error());
        auto address = parse_socket_address(*text);
        if (!address) return at("[router] sockets", address.error());
        sockets.push_back(*address);
      }
      runbook::Router resolved = spec;
      auto backend = expander.expand(spec.backend);
      if (!backend) return at("[router] backend", backend.error());
      resolved.backend = *backend;
      for (auto* names : {&resolved.stable, &resolved.canary}) {
        auto expanded = expander.expand(*names);
        if (!expanded) return at("[router] servers", expanded.error());
        *names = *expanded;
      }
      return std::unique_ptr<Router>(std::make_unique<HaproxyRouter>(resolved, std::move(sockets)));
    }
    case runbook::RouterType::http: {
      if (spec.url.empty()) return make_error("[router] http needs a url");
      // The weights are filled in at each call; everything else must expand now.
      const Expander trial = with_weights(expander);
      if (auto r = trial.expand(spec.url); !r) return at("[router] url", r.error());
      if (auto r = trial.expand(spec.body); !r) return at("[router] body", r.error());
      for (const auto& [k, v] : spec.headers)
        if (auto r = trial.expand(v); !r) return at("[router] headers." + k, r.error());
      return std::unique_ptr<Router>(std::make_unique<HttpRouter>(spec, expander, http));
    }
    case runbook::RouterType::exec:
      if (spec.command.empty()) return make_error("[router] exec needs a command");
      if (auto r = with_weights(expander).expand(spec.command); !r)
        return at("[router] command", r.error());
      return std::unique_ptr<Router>(std::make_unique<ExecRouter>(spec, expander));
  }
  return make_error("[router] unknown type");
}

Result<std::unique_ptr<MetricSource>> make_source(const runbook::MetricSource& raw,
                                                  const Expander& expander, HttpClient& http) {
  const std::string where = "[metrics." + raw.name + "]";
  runbook::MetricSource spec = raw;
  if (auto url = expander.expand(raw.url); url)
    spec.url = *url;
  else
    return at(where + " url", url.error());
  if (auto path = expander.expand(raw.path); path)
    spec.path = *path;
  else
    return at(where + " path", path.error());
  if (auto command = expander.expand(raw.command); command)
    spec.command = *command;
  else
    return at(where + " command", command.error());
  for (auto& [k, v] : spec.headers) {
    auto value = expander.expand(v);
    if (!value) return at(where + " headers." + k, value.error());
    v = *value;
  }
  switch (spec.type) {
    case runbook::SourceType::prometheus:
      if (spec.url.empty()) return make_error(where + " prometheus needs a url");
      return std::unique_ptr<MetricSource>(std::make_unique<PrometheusSource>(spec, http));
    case runbook::SourceType::http_json:
      if (spec.url.empty()) return make_error(where + " http-json needs a url");
      return std::unique_ptr<MetricSource>(std::make_unique<HttpJsonSource>(spec, http));
    case runbook::SourceType::file:
      if (spec.path.empty()) return make_error(where + " file needs a path");
      return std::unique_ptr<MetricSource>(std::make_unique<FileSource>(spec));
    case runbook::SourceType::exec:
      if (spec.command.empty()) return make_error(where + " exec needs a command");
      return std::unique_ptr<MetricSource>(std::make_unique<ExecSource>(spec));
  }
  return make_error(where + " unknown type");
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
    runbook::MetricSource named = spec;
    if (named.name.empty()) named.name = name;
    auto source = make_source(named, expander, *world.http);
    if (!source) return source.error();
    world.sources[name] = std::move(*source);
  }
  return world;
}

}  // namespace rollout
