// A dry-run scenario: what the metrics, health checks and commands do over virtual time,
// so the rollback path can be rehearsed. Read from TOML (`start --dry-run --scenario F`):
//
//   [[metric]]
//   check = "error_rate"
//   values = [ { at = "0s", value = 0.001 },                 # since the rollout started
//              { stage = "ramp", at = "45m", value = 0.03 }, # since stage ramp started
//              { at = "50h", empty = true },                 # no data
//              { at = "51h", error = "timeout" } ]           # the source fails
//   [[health]]                 # health "canary" fails from 10m into ramp for 5 minutes
//   name = "canary"
//   stage = "ramp"
//   at = "10m"
//   until = "15m"              # optional: failing to the end otherwise
//   [[run]]                    # a run step whose command line contains "deploy.sh" exits 1
//   match = "deploy.sh"
//   exit = 1
//   times = 1                  # optional: only the first time (default: always)
//   takes = "30s"              # optional: virtual time the command takes (a background
//                              # step: exits with `exit` this long after its start)
//   [router]
//   refuse = [10]              # setting canary weight 10 fails
//
// Without a scenario every gate passes and every health check and command succeeds.
// man rollout-runbook(5), SCENARIOS, documents every key.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/duration.hpp"
#include "core/result.hpp"
#include "ports/metric_source.hpp"
#include "runbook/load.hpp"

namespace rollout::rehearsal {

struct ScenarioPoint {
  std::string stage;  // empty: `at` counts from the rollout's start
  Duration at{0};
  Reading reading;
};

struct HealthRule {
  std::string name;
  std::string stage;
  Duration at{0};
  std::optional<Duration> until;
};

struct RunRule {
  std::string match;  // substring of the command line
  int exit_code = 1;
  int times = -1;  // -1: every time
  Duration takes{0};
};

struct Scenario {
  std::map<std::string, std::vector<ScenarioPoint>> metrics;  // by check name
  std::vector<HealthRule> health;
  std::vector<RunRule> runs;
  std::vector<int> router_refuse;
};

// What reading a scenario came to: every problem of the file, located, like a runbook's.
struct ScenarioLoaded {
  std::optional<Scenario> scenario;  // set when there is no error (warnings allowed)
  std::vector<runbook::Diagnostic> diagnostics;
  bool ok() const { return scenario.has_value(); }
};

// Reads a scenario with the runbook's reader (unknown keys with did-you-mean, the same size
// and depth limits). With `book`, every name is checked against it: checks, stages, health
// checks, run steps and router weights, so a misspelling cannot make a rehearsal lie.
ScenarioLoaded parse_scenario(std::string_view toml_text, const std::string& path,
                              const runbook::Runbook* book = nullptr);
ScenarioLoaded load_scenario(const std::string& path, const runbook::Runbook* book = nullptr);

}  // namespace rollout::rehearsal
