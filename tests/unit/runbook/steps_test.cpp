// Tests for lib/runbook/steps.cpp: the keys of a kill step's safety limit.
#include "helpers.hpp"

using namespace rbtest;

namespace {
std::string with_after(const std::string& steps) {
  return kBase + "after = " + steps + "\n";
}
}  // namespace

TEST_CASE("kill: max_processes defaults to 5, can be set, and must be at least 1") {
  auto def = load(with_after("[ { kill = { pattern = \"my-app --serve\" } } ]"));
  REQUIRE_MESSAGE(def.ok(), dump(def));
  CHECK(std::get<KillStep>(def.runbook->stages.back().after[0].action).max_processes == 5);

  auto set =
      load(with_after("[ { kill = { pattern = \"my-app --serve\", max_processes = 40 } } ]"));
  REQUIRE_MESSAGE(set.ok(), dump(set));
  CHECK(std::get<KillStep>(set.runbook->stages.back().after[0].action).max_processes == 40);

  auto zero = load(with_after("[ { kill = { name = \"my-app\", max_processes = 0 } } ]"));
  CHECK_FALSE(zero.ok());
  CHECK(find(zero, "max_processes"));
}
