// The http router kind: its keys, checks, plan output and description.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "runbook/describe.hpp"
#include "runbook/kind_table.hpp"
#include "runbook/parse.hpp"
#include "runbook/router_spec.hpp"

namespace rollout::runbook {

void parse(KindTable& k, HttpRouterSpec& spec) {
  const toml::table& t = k.t;
  Reader& r = k.r;
  k.require("url");
  if (auto u = r.string(t, "url")) {
    check_url(r, t, "url", *u);
    spec.url = *u;
  }
  if (auto m = read_method(r, t)) spec.method = *m;
  if (auto h = r.string_map(t, "headers")) spec.headers = *h;
  if (auto b = r.string(t, "body"))
    spec.body = *b;
  else
    spec.body = R"({"stable": ${weight.stable}, "canary": ${weight.canary}})";
  if (auto i = r.boolean(t, "insecure")) spec.insecure = *i;
  default_content_type(spec.headers, spec.body);
}

std::optional<std::string> incomplete(const HttpRouterSpec& spec) {
  if (spec.url.empty()) return "a url";
  return std::nullopt;
}

void plan_fields(const HttpRouterSpec& spec, const Expander& ex, nlohmann::json& out) {
  out["url"] = display(spec.url, ex);
  out["method"] = spec.method;
  nlohmann::json h = nlohmann::json::object();
  for (const auto& [key, v] : spec.headers) h[key] = display(v, ex);
  out["headers"] = h;
  out["body"] = display(spec.body, ex);
  out["insecure"] = spec.insecure;
}

std::string plan_line(const HttpRouterSpec& spec, const Expander& ex) {
  return fmt::format("http {} {} with body {}", spec.method, display(spec.url, ex),
                     display(spec.body, ex));
}

std::string plan_call(const HttpRouterSpec& spec, const Expander& ex) {
  return spec.method + " " + display(spec.url, ex) + " " + display(spec.body, ex);
}

std::string describe(const HttpRouterSpec& spec) {
  return "http router " + spec.method + " " + spec.url;
}

}  // namespace rollout::runbook
