// Scenario files: what a rehearsal scripts, and clear errors when it is wrong.
#include <doctest/doctest.h>

#include "fakes/scenario.hpp"
#include "fakes/virtual_clock.hpp"

using namespace rollout;
using namespace std::chrono_literals;

TEST_CASE("a scenario scripts metric values, health failures, commands and router refusals") {
  auto sc = fakes::parse_scenario(R"(
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
  const auto& v = sc->metrics.at("error_rate");
  REQUIRE(v.size() == 4);
  CHECK(v[1].stage == "ramp");
  CHECK(v[1].at == Duration(45min));
  CHECK(v[1].reading.value == doctest::Approx(0.03));
  CHECK(v[2].reading.kind == Reading::Kind::empty);
  CHECK(v[3].reading.kind == Reading::Kind::error);
  REQUIRE(sc->health.size() == 1);
  CHECK(sc->health[0].until == Duration(15min));
  REQUIRE(sc->runs.size() == 1);
  CHECK(sc->runs[0].exit_code == 2);
  CHECK(sc->router_refuse == std::vector<int>{10});
}

TEST_CASE("scenario mistakes name the file, line and column") {
  auto bad = fakes::parse_scenario(
      "[[metric]]\ncheck = \"e\"\nvalues = [ { at = \"45x\", value = 1 } ]\n", "s.toml");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("s.toml:3:") == 0);
  auto typo = fakes::parse_scenario("[[metrc]]\n", "s.toml");
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.error().message.find("unknown key 'metrc'") != std::string::npos);
}

TEST_CASE("the virtual clock jumps, but stops at registered wake-ups") {
  fakes::VirtualClock c;
  c.wake_at(10min);
  c.sleep_until(Duration(1h));
  CHECK(c.now() == Duration(10min));
  c.sleep_until(Duration(1h));
  CHECK(c.now() == Duration(1h));
  CHECK(c.wall() == fakes::VirtualClock::default_epoch() + 1h);
}
