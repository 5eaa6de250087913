// session::read_rollout: what status and advance/abort read without the lock.
#include "session/reading.hpp"

#include <doctest/doctest.h>

#include "scratch.hpp"
#include "state/lock.hpp"

using namespace rollout;
using namespace rollout::test;

TEST_CASE("a paused rollout reads as paused in its stage, with no runner") {
  Scratch s;
  start_paused(s);
  const auto r = session::read_rollout(s.dir());
  CHECK_FALSE(r.events.empty());
  CHECK(r.position.started);
  CHECK(r.position.stage_name == "canary");
  CHECK(r.position.outcome == rollout::events::FinishedOutcome::paused);
  CHECK(r.position.exit_code == 5);
  CHECK(r.state.has_value());
  CHECK_FALSE(r.damage);
  CHECK_FALSE(r.holder);

  SUBCASE("its runner is named while one holds the lock") {
    auto held = state::RolloutLock::acquire(s.dir(), state::LockHolder::self());
    REQUIRE(held.lock);
    const auto locked = session::read_rollout(s.dir());
    REQUIRE(locked.holder);
    CHECK(locked.holder->run == held.lock->holder().run);
  }
  SUBCASE("a damaged line is reported, the rest still read") {
    std::string journal = s.journal();
    journal.insert(journal.find('\n') + 1, "{not json\n");
    spit(s.dir() + "/journal.jsonl", journal);
    const auto damaged = session::read_rollout(s.dir());
    REQUIRE(damaged.damage);
    CHECK(damaged.damage->line == 2);
    CHECK(damaged.events.size() == r.events.size());
  }
}

TEST_CASE("a rollout that is not there reads as nothing") {
  Scratch s;
  const auto r = session::read_rollout(s.dir());
  CHECK(r.events.empty());
  CHECK_FALSE(r.position.started);
  CHECK_FALSE(r.state);
  CHECK_FALSE(r.holder);
}

TEST_CASE("rollout report rebuilds the report from the journal, also after a crash") {
  Scratch s;
  start_paused(s);
  auto md = session::rebuild_report(s.state_dir, "", report::Format::markdown);
  REQUIRE(md.ok());
  CHECK(md->text.find("unit-demo") != std::string::npos);
  CHECK(md->text.find("canary") != std::string::npos);
  CHECK(md->left_out.empty());

  SUBCASE("a torn last line (a crash mid-write) is left out and said") {
    spit(s.dir() + "/journal.jsonl", s.journal() + "{\"v\":1,\"seq\":99,\"type\":\"gate_mea");
    auto torn = session::rebuild_report(s.state_dir, "unit-demo", report::Format::json);
    REQUIRE(torn.ok());
    REQUIRE(torn->left_out.size() == 1);
    CHECK(torn->left_out[0].find("torn") != std::string::npos);
    CHECK(nlohmann::json::parse(torn->text)["outcome"] == "paused");
  }
  SUBCASE("a damaged line in the middle is named, the rest still reported") {
    std::string journal = s.journal();
    journal.insert(journal.find('\n') + 1, "{not json\n");
    spit(s.dir() + "/journal.jsonl", journal);
    auto damaged = session::rebuild_report(s.state_dir, "", report::Format::json);
    REQUIRE(damaged.ok());
    REQUIRE(damaged->left_out.size() == 1);
    CHECK(damaged->left_out[0].find("journal.jsonl:2:") != std::string::npos);
    CHECK(nlohmann::json::parse(damaged->text)["outcome"] == "paused");
  }
  SUBCASE("a rollout with no journal is an error that lists the ones there") {
    auto missing = session::rebuild_report(s.state_dir, "other", report::Format::markdown);
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().message.find("no journal for rollout 'other'") != std::string::npos);
    CHECK(missing.error().message.find("rollouts there: unit-demo") != std::string::npos);
  }
}
