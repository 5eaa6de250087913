// session::World: the one place that chooses the real providers or the rehearsal world.
#include "session/world.hpp"

#include <doctest/doctest.h>

#include "runbook/load.hpp"
#include "scratch.hpp"

using namespace rollout;
using rollout::test::Scratch;

namespace {

runbook::Runbook with_notify(const Scratch& s) {
  rollout::test::spit(s.runbook, rollout::test::slurp(s.runbook) +
                                     "\n[[notify]]\nurl = \"http://127.0.0.1:1/hook\"\n");
  auto loaded = runbook::load_runbook(s.runbook);
  REQUIRE(loaded.ok());
  return std::move(*loaded.runbook);
}

}  // namespace

TEST_CASE("a rehearsal follows the events and tells no webhook") {
  Scratch s;
  const auto book = with_notify(s);
  const auto ex = runbook::make_expander(book);
  auto world = session::World::make(book, ex, true);
  REQUIRE(world.ok());
  CHECK(world->rehearsal());
  CHECK(world->listener() != nullptr);
  CHECK(world->notifier() == nullptr);
}

TEST_CASE("a real run has the runbook's webhooks and nothing listening in") {
  Scratch s;
  const auto book = with_notify(s);
  const auto ex = runbook::make_expander(book);
  auto world = session::World::make(book, ex, false);
  REQUIRE(world.ok());
  CHECK_FALSE(world->rehearsal());
  CHECK(world->listener() == nullptr);
  CHECK(world->notifier() != nullptr);
}
