// The prometheus and http-json source kinds (both GET a URL): keys, checks, plan output.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "runbook/describe.hpp"
#include "runbook/kind_table.hpp"
#include "runbook/source_spec.hpp"

namespace rollout::runbook {

void parse(KindTable& k, UrlSource& spec) {
  k.require("url");
  if (auto u = k.r.string(k.t, "url")) {
    check_url(k.r, k.t, "url", *u);
    spec.url = *u;
  }
  if (auto h = k.r.string_map(k.t, "headers")) spec.headers = *h;
  if (auto i = k.r.boolean(k.t, "insecure")) spec.insecure = *i;
}

std::optional<std::string> incomplete(const UrlSource& spec) {
  if (spec.url.empty()) return "a url";
  return std::nullopt;
}

void plan_fields(const UrlSource& spec, const Expander& ex, nlohmann::json& out) {
  if (!spec.url.empty()) out["url"] = display(spec.url, ex);
}

std::string plan_line(const UrlSource& spec, const char* type, const Expander& ex) {
  return fmt::format("{} {} (timeout {})", type, display(spec.url, ex),
                     format_duration(spec.timeout));
}

}  // namespace rollout::runbook
