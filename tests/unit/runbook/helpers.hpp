// Shared helpers for the runbook tests: a small valid runbook to mutate, and diagnostic lookup.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <doctest/doctest.h>

#include "runbook/load.hpp"

namespace rbtest {

using namespace rollout;
using namespace rollout::runbook;

// Line numbers matter: tests point at them.
inline const std::string kBase = R"TOML([rollout]
name = "svc"

[router]
type = "haproxy"
sockets = ["unix:/tmp/haproxy.sock"]
backend = "app"
stable = ["a"]
canary = ["b"]

[metrics.prom]
type = "prometheus"
url = "http://127.0.0.1:9090"

[checks.error_rate]
source = "prom"
query = "sum(rate(errors[1m]))"
unit = "ratio"

[checks.p99]
source = "prom"
query = "p99"
unit = "seconds"

[health.canary]
urls = ["http://127.0.0.1:8082/health"]

[[stage]]
name = "canary"
weight = 5
hold = "1h"
gates = ["error_rate < 1%", "p99 < 200ms"]

[[stage]]
name = "full"
weight = 100
hold = "2h"
)TOML";

inline EnvLookup no_env() {
  return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

inline Loaded load(const std::string& text, EnvLookup env = no_env(), bool require_env = false) {
  LoadOptions o;
  o.env = std::move(env);
  o.require_env = require_env;
  return parse_runbook(text, "rb.toml", o);
}

// kBase with the first occurrence of `from` replaced by `to`.
inline std::string edit(const std::string& from, const std::string& to,
                        const std::string& base = kBase) {
  auto at = base.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, "edit(): not in the base: " << from);
  std::string s = base;
  s.replace(at, from.size(), to);
  return s;
}

inline int errors(const Loaded& l) {
  int n = 0;
  for (const auto& d : l.diagnostics) n += d.severity == Diagnostic::Severity::error;
  return n;
}

// The first diagnostic whose message contains `needle`, or nullptr.
inline const Diagnostic* find(const Loaded& l, const std::string& needle) {
  for (const auto& d : l.diagnostics)
    if (d.message.find(needle) != std::string::npos) return &d;
  return nullptr;
}

inline std::string dump(const Loaded& l) {
  std::string s;
  for (const auto& d : l.diagnostics) s += d.str() + "\n";
  return s;
}

inline std::string read_data(const std::string& name) {
  const auto path = std::filesystem::path(ROLLOUT_SOURCE_DIR) / "tests/unit/runbook/data" / name;
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string source_root() {
  // Not __FILE__: a compiler cache may make it relative to the build directory.
  return ROLLOUT_SOURCE_DIR;
}

}  // namespace rbtest
