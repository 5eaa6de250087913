// Scenario files: what a rehearsal scripts, and clear errors when it is wrong.
#include <doctest/doctest.h>

#include "rehearsal/scenario.hpp"
#include "rehearsal/virtual_clock.hpp"
#include "runbook/load.hpp"

using namespace rollout;
using namespace std::chrono_literals;

TEST_CASE("a scenario scripts metric values, health failures, commands and router refusals") {
  auto sc = rehearsal::parse_scenario(R"(
[[metric]]
check = "error_rate"
values = [ { at = "0s", value = 0.001 }, { stage = "ramp", at = "45m", value = 0.03 },
           { at = "50h", empty = true }, { at = "51h", error = "timeout" } ]
[[health]]
name = "canary"
stage = "ramp"
at = "10m"
until = "15m"
[[run]]
match = "deploy.sh"
exit = 2
times = 1
[router]
refuse = [10]
)",
                                      "s.toml");
  REQUIRE(sc.ok());
  const auto& v = sc.scenario->metrics.at("error_rate");
  REQUIRE(v.size() == 4);
  CHECK(v[1].stage == "ramp");
  CHECK(v[1].at == Duration(45min));
  CHECK(v[1].reading.value == doctest::Approx(0.03));
  CHECK(v[2].reading.kind == Reading::Kind::empty);
  CHECK(v[3].reading.kind == Reading::Kind::error);
  REQUIRE(sc.scenario->health.size() == 1);
  CHECK(sc.scenario->health[0].until == Duration(15min));
  REQUIRE(sc.scenario->runs.size() == 1);
  CHECK(sc.scenario->runs[0].exit_code == 2);
  CHECK(sc.scenario->router_refuse == std::vector<int>{10});
}

TEST_CASE("scenario mistakes name the file, line and column") {
  auto bad = rehearsal::parse_scenario(
      "[[metric]]\ncheck = \"e\"\nvalues = [ { at = \"45x\", value = 1 } ]\n", "s.toml");
  REQUIRE_FALSE(bad.ok());
  REQUIRE(bad.diagnostics.size() == 1);
  CHECK(bad.diagnostics[0].str().find("s.toml:3:19: error: ") == 0);
  auto typo = rehearsal::parse_scenario("[[metrc]]\n", "s.toml");
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.diagnostics[0].str() ==
        "s.toml:1:3: error: unknown key 'metrc' in the scenario (did you mean 'metric'?)");
}

TEST_CASE("the virtual clock jumps, but stops at registered wake-ups") {
  rehearsal::VirtualClock c;
  c.wake_at(10min);
  c.sleep_until(Duration(1h));
  CHECK(c.now() == Duration(10min));
  c.sleep_until(Duration(1h));
  CHECK(c.now() == Duration(1h));
  CHECK(c.wall() == rehearsal::VirtualClock::default_epoch() + 1h);
}

namespace {

// A runbook to rehearse: two stages, a health check, a run step.
runbook::Runbook book() {
  auto l = runbook::parse_runbook(R"([rollout]
name = "svc"
[router]
type = "exec"
command = ["/bin/true"]
[metrics.f]
type = "file"
path = "/m.json"
[checks.errors]
source = "f"
query = "/errors"
unit = "ratio"
[health.canary]
urls = ["http://127.0.0.1:1/health"]
[[stage]]
name = "canary"
weight = 1
hold = "10m"
gates = ["errors < 1%"]
before = [ { run = ["./deploy.sh", "canary"] }, { health = "canary" } ]
[[stage]]
name = "full"
weight = 100
)",
                                  "rb.toml");
  REQUIRE_MESSAGE(l.ok(), (l.diagnostics.empty() ? "" : l.diagnostics[0].str()));
  return *l.runbook;
}

std::string dump(const rehearsal::ScenarioLoaded& l) {
  std::string s;
  for (const auto& d : l.diagnostics) s += d.str() + "\n";
  return s;
}

}  // namespace

TEST_CASE("a scenario naming what the runbook lacks is an error at the name, with did-you-mean") {
  // `check = "erors"` and `stage = "canry"` were ignored: the rehearsed rollback never came.
  const auto b = book();
  auto l = rehearsal::parse_scenario(R"([[metric]]
check = "erors"
values = [ { stage = "canry", at = "1m", value = 0.5 } ]
[[health]]
name = "canery"
[[run]]
match = "deploy.hs"
[router]
refuse = [10]
)",
                                     "s.toml", &b);
  INFO(dump(l));
  CHECK_FALSE(l.ok());
  REQUIRE(l.diagnostics.size() == 5);  // every error of the file, in file order
  CHECK(l.diagnostics[0].str().find("s.toml:2:9: error: unknown check 'erors' (did you mean "
                                    "'errors'?)") == 0);
  CHECK(l.diagnostics[1].str().find("s.toml:3:22: error: unknown stage 'canry' (did you mean "
                                    "'canary'?)") == 0);
  CHECK(l.diagnostics[2].str().find("s.toml:5:8: error: unknown health check 'canery' (did you "
                                    "mean 'canary'?)") == 0);
  CHECK(l.diagnostics[3].str().find("s.toml:7:9: error: match \"deploy.hs\" is in no run or "
                                    "shell step of the runbook (did you mean './deploy.sh'?)") ==
        0);
  CHECK(l.diagnostics[4].str().find("s.toml:9:11: error: the rollout never sets weight 10") == 0);
}

TEST_CASE("a scenario that names only what the runbook has is accepted") {
  const auto b = book();
  auto l = rehearsal::parse_scenario(R"([[metric]]
check = "errors"
values = [ { stage = "canary", at = "1m", value = 0.5 } ]
[[health]]
name = "canary"
stage = "full"
[[run]]
match = "deploy.sh canary"
[router]
refuse = [1, 100, 0]
)",
                                     "s.toml", &b);
  INFO(dump(l));
  CHECK(l.ok());
  CHECK(l.diagnostics.empty());
}

TEST_CASE("scenario values: wrong types and contradictions are located errors") {
  auto l = rehearsal::parse_scenario(R"([[metric]]
check = "e"
values = [ { at = "1m", value = "0.5" }, { at = "2m" }, { at = "3m", value = 1, empty = true } ]
[[health]]
name = "h"
at = "10m"
until = "5m"
[[run]]
match = "x"
exit = 300
times = 0
)",
                                     "s.toml");
  INFO(dump(l));
  CHECK_FALSE(l.ok());
  CHECK(l.diagnostics.size() == 6);
  CHECK(dump(l).find("s.toml:3:33: error: 'value' must be a number") != std::string::npos);
  CHECK(dump(l).find("s.toml:7:9: error: 'until' must be later") != std::string::npos);
  CHECK(dump(l).find("s.toml:10:8: error: 'exit' must be between 0 and 255") != std::string::npos);
}

TEST_CASE("a hostile scenario is refused before parsing") {
  std::string deep = "[" + std::string(40'000, 'a') + "]";
  std::string dotted = "x";
  for (int i = 0; i < 40'000; ++i) dotted += ".x";
  auto l = rehearsal::parse_scenario(dotted + " = 1\n", "s.toml");
  REQUIRE(l.diagnostics.size() == 1);
  CHECK(l.diagnostics[0].str().find("s.toml:1:64: error: a dotted key or table header of more "
                                    "than 32 parts: a scenario") == 0);
  auto big = rehearsal::parse_scenario(std::string(2 * 1024 * 1024, '#'), "s.toml");
  REQUIRE(big.diagnostics.size() == 1);
  CHECK(big.diagnostics[0].message.find("the scenario is larger than 1 MiB") == 0);
}
