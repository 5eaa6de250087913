// The exec and http routers: a command or a request with the weights filled in.
#include "providers/curl_http_client.hpp"
#include "providers/expand.hpp"
#include "providers/process.hpp"
#include "providers/routers.hpp"
#include "runbook/bindings.hpp"
#include "runbook/describe.hpp"

namespace rollout::providers {

namespace {

Expander with_weights(const Expander& e, const Split& split) {
  return runbook::bind_split(e, split.stable, split.canary);  // the split being set
}

Error cannot_read(const char* what) {
  return make_error(std::string(kCannotRead) + ": the " + what +
                    " router is write-only; the split is known once rollout has set it");
}

}  // namespace

ExecRouter::ExecRouter(runbook::ExecRouterSpec spec, Expander expander)
    : spec_(std::move(spec)), expander_(std::move(expander)) {}

Result<Split> ExecRouter::read() {
  std::lock_guard lock(mu_);
  if (last_) return *last_;
  return cannot_read("exec");
}

Result<void> ExecRouter::set(const Split& split) {
  auto argv = with_weights(expander_, split).expand(spec_.command);
  if (!argv) return argv.error();
  SpawnSpec spec;
  spec.argv = std::move(*argv);
  spec.env = {{"ROLLOUT_WEIGHT_STABLE", std::to_string(split.stable)},
              {"ROLLOUT_WEIGHT_CANARY", std::to_string(split.canary)},
              {"ROLLOUT_ACTION", "set"}};
  spec.timeout = spec_.timeout;
  auto run = spawn_capture(spec);
  if (!run) return run.error();
  const std::string output = run->out.empty() ? "" : ": " + body_start(run->out, 300);
  if (run->timed_out)
    return make_error(spec.argv[0] + ": timeout after " + format_duration(spec_.timeout) + output);
  if (run->cancelled) return make_error(spec.argv[0] + ": cancelled");
  if (run->exit_code != 0) {
    const std::string why = run->term_signal
                                ? "killed by signal " + std::to_string(run->term_signal)
                                : "exit " + std::to_string(run->exit_code);
    return make_error(spec.argv[0] + ": " + why + output);
  }
  std::lock_guard lock(mu_);
  last_ = split;
  return {};
}

std::string ExecRouter::describe() const {
  // The command as `plan` shows it: ${vars.*} resolved, secrets redacted.
  runbook::ExecRouterSpec shown = spec_;
  shown.command = runbook::display(spec_.command, expander_);
  return runbook::describe(shown);
}

HttpRouter::HttpRouter(runbook::HttpRouterSpec spec, Expander expander, HttpClient& http)
    : spec_(std::move(spec)), expander_(std::move(expander)), http_(http) {}

Result<Split> HttpRouter::read() {
  std::lock_guard lock(mu_);
  if (last_) return *last_;
  return cannot_read("http");
}

Result<void> HttpRouter::set(const Split& split) {
  const Expander e = with_weights(expander_, split);
  HttpRequest request;
  request.method = spec_.method;
  auto url = e.expand(spec_.url);
  if (!url) return url.error();
  request.url = *url;
  auto body = e.expand(spec_.body);
  if (!body) return body.error();
  request.body = *body;
  for (const auto& [k, v] : spec_.headers) {
    auto value = e.expand(v);
    if (!value) return value.error();
    request.headers[k] = *value;
  }
  request.timeout = spec_.timeout;
  request.insecure = spec_.insecure;
  auto response = http_.send(request);
  const std::string what = request.method + " " + request.url;
  if (!response) return make_error(what + ": " + response.error().message);
  if (response->status < 200 || response->status > 299)
    return make_error(what + ": HTTP " + std::to_string(response->status) +
                      (response->body.empty() ? "" : ": " + body_start(response->body)));
  std::lock_guard lock(mu_);
  last_ = split;
  return {};
}

std::string HttpRouter::describe() const {
  runbook::HttpRouterSpec shown = spec_;
  shown.url = runbook::display(spec_.url, expander_);
  return runbook::describe(shown);
}

Result<std::unique_ptr<Router>> make_router(const runbook::HttpRouterSpec& spec,
                                            const Expander& expander, HttpClient& http) {
  // The weights are filled in at each call; everything else must expand now.
  const Expander trial = runbook::bind_split(expander, 100, 0);
  if (auto r = expand_at(trial, spec.url, "[router] url"); !r) return r.error();
  if (auto r = expand_at(trial, spec.body, "[router] body"); !r) return r.error();
  if (auto r = expand_at(trial, spec.headers, "[router] headers"); !r) return r.error();
  return std::unique_ptr<Router>(std::make_unique<HttpRouter>(spec, expander, http));
}

Result<std::unique_ptr<Router>> make_router(const runbook::ExecRouterSpec& spec,
                                            const Expander& expander, HttpClient&) {
  if (auto r = expand_at(runbook::bind_split(expander, 100, 0), spec.command, "[router] command");
      !r)
    return r.error();
  return std::unique_ptr<Router>(std::make_unique<ExecRouter>(spec, expander));
}

}  // namespace rollout::providers
