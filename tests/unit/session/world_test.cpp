// session::World: the one place that chooses the real providers or the rehearsal world.
#include "session/world.hpp"

#include <doctest/doctest.h>

#include "runbook/load.hpp"
#include "scratch.hpp"

using namespace rollout;
using namespace rollout::test;

namespace {

runbook::Runbook with_notify(const Scratch& s) {
  spit(s.runbook, slurp(s.runbook) + "\n[[notify]]\nurl = \"http://127.0.0.1:1/hook\"\n");
  auto loaded = runbook::load_runbook(s.runbook);
  REQUIRE(loaded.ok());
  return std::move(*loaded.runbook);
}

}  // namespace

TEST_CASE("the world is chosen once, by whether the run is a rehearsal") {
  Scratch s;
  const auto book = with_notify(s);
  const auto ex = runbook::make_expander(book);
  SUBCASE("a rehearsal follows the events and tells no webhook") {
    auto world = session::World::make(book, ex, true);
    REQUIRE(world.ok());
    CHECK(world->rehearsal());
    CHECK(world->listener() != nullptr);
    CHECK(world->notifier() == nullptr);
  }
  SUBCASE("a real run has the runbook's webhooks and nothing listening in") {
    auto world = session::World::make(book, ex, false);
    REQUIRE(world.ok());
    CHECK_FALSE(world->rehearsal());
    CHECK(world->listener() == nullptr);
    CHECK(world->notifier() != nullptr);
  }
}
