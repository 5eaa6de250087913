// The haproxy router kind: its keys, checks, plan output and description.
#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "runbook/describe.hpp"
#include "runbook/kind_table.hpp"
#include "runbook/router_spec.hpp"

namespace rollout::runbook {

namespace {

std::string comma_list(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

void parse(KindTable& k, HaproxyRouterSpec& spec) {
  const toml::table& t = k.t;
  Reader& r = k.r;
  for (const auto& key : HaproxyRouterSpec::kKeys) k.require(key);
  if (auto s = r.strings(t, "sockets")) {
    if (s->empty())
      r.error(Reader::pos(*t.get("sockets")),
              "'sockets' is empty: list every HAProxy instance's admin socket");
    const auto& arr = *t.get("sockets")->as_array();
    for (std::size_t i = 0; i < s->size(); ++i) {
      const std::string& sock = (*s)[i];
      if (sock.rfind("unix:", 0) != 0 && sock.rfind("tcp:", 0) != 0 && sock.rfind("${", 0) != 0)
        r.error(
            Reader::pos(*arr.get(i)),
            "socket \"" + sock + "\" must be \"unix:/path/to/admin.sock\" or \"tcp:HOST:PORT\"");
    }
    spec.sockets = *s;
  }
  if (auto b = r.string(t, "backend")) {
    if (b->empty()) r.error(Reader::pos(*t.get("backend")), "'backend' is empty");
    spec.backend = *b;
  }
  for (const char* key : {"stable", "canary"}) {
    if (auto s = r.strings(t, key)) {
      if (s->empty())
        r.error(Reader::pos(*t.get(key)),
                std::string("'") + key + "' is empty: name the backend's " + key + " servers");
      (std::string_view(key) == "stable" ? spec.stable : spec.canary) = *s;
    }
  }
  for (const auto& server : spec.canary)
    if (std::find(spec.stable.begin(), spec.stable.end(), server) != spec.stable.end())
      r.error(Reader::pos(*t.get("canary")), "server '" + server + "' is both stable and canary");
}

std::optional<std::string> incomplete(const HaproxyRouterSpec& spec) {
  if (spec.sockets.empty()) return "at least one socket";
  if (spec.backend.empty()) return "a backend";
  if (spec.stable.empty() && spec.canary.empty()) return "stable and canary servers";
  return std::nullopt;
}

void plan_fields(const HaproxyRouterSpec& spec, const Expander& ex, nlohmann::json& out) {
  out["sockets"] = display(spec.sockets, ex);
  out["backend"] = display(spec.backend, ex);
  out["stable"] = display(spec.stable, ex);
  out["canary"] = display(spec.canary, ex);
}

std::string plan_line(const HaproxyRouterSpec& spec, const Expander& ex) {
  return fmt::format("haproxy backend {} on {}; stable {}; canary {}", display(spec.backend, ex),
                     comma_list(display(spec.sockets, ex)), comma_list(display(spec.stable, ex)),
                     comma_list(display(spec.canary, ex)));
}

// Its commands are fixed (set server BACKEND/SERVER weight N): nothing to show per step.
std::string plan_call(const HaproxyRouterSpec&, const Expander&) {
  return "";
}

std::string describe(const HaproxyRouterSpec& spec) {
  const auto n = spec.sockets.size();
  return "haproxy backend " + spec.backend + " on " + std::to_string(n) + " socket" +
         (n == 1 ? "" : "s") + " (" + std::to_string(spec.stable.size()) + " stable, " +
         std::to_string(spec.canary.size()) + " canary server" +
         (spec.canary.size() == 1 ? "" : "s") + ")";
}

}  // namespace rollout::runbook
