// session::open_rollout and the runbook kept as started: what a run finds when it opens a
// rollout's state (the journal read once under the lock, the old one moved aside).
#include "session/open.hpp"

#include <filesystem>

#include <doctest/doctest.h>

#include "scratch.hpp"

namespace fs = std::filesystem;
using namespace rollout;
using namespace rollout::test;

namespace {

session::Opening resuming() {
  session::Opening how;
  how.start = false;
  how.verb = "resume";
  return how;
}

std::size_t lines_of(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

}  // namespace

TEST_CASE("a resume opens with the journal's events and where they leave the rollout") {
  Scratch s;
  start_paused(s);
  const std::string journal = s.journal();
  std::string warned;
  auto o = session::open_rollout(s.dir(), resuming(), [&](const std::string& w) { warned = w; });
  REQUIRE(o.ok());
  CHECK(o->journal.size() == lines_of(journal));
  CHECK(o->position.stage_name == "canary");
  CHECK(o->position.outcome == rollout::events::FinishedOutcome::paused);
  CHECK_FALSE(o->dry_run);
  CHECK(o->writable.ok());
  CHECK(o->lock);
  CHECK(warned.empty());

  SUBCASE("while it is open, a second opening is locked out") {
    auto second = session::open_rollout(s.dir(), resuming(), {});
    REQUIRE_FALSE(second.ok());
    CHECK(second.error().kind == ErrorKind::locked);
  }
}

TEST_CASE("a torn last journal line is set aside, and the opener told") {
  Scratch s;
  start_paused(s);
  spit(s.dir() + "/journal.jsonl", s.journal() + "{\"seq\":99,\"ty");
  std::string warned;
  auto o = session::open_rollout(s.dir(), resuming(), [&](const std::string& w) { warned = w; });
  REQUIRE(o.ok());
  CHECK(warned.find("torn") != std::string::npos);
  CHECK(fs::exists(s.dir() + "/journal.jsonl.torn"));
  CHECK(s.journal().find("\"seq\":99") == std::string::npos);
}

TEST_CASE("a start over a rollout that ended moves its journal aside and begins empty") {
  Scratch s;
  start_paused(s);
  {
    const session::Request abort = Scratch::resume_to(ControlRequest::Kind::abort);
    Heard heard;
    auto aborted = session::run(s.state_dir, abort, heard.hooks());
    REQUIRE(aborted.ok());
    REQUIRE(aborted->code == ExitCode::aborted);
  }
  const std::string old = s.journal();
  session::Opening how;
  how.start = true;
  auto o = session::open_rollout(s.dir(), how, {});
  REQUIRE(o.ok());
  CHECK(o->journal.empty());
  CHECK(o->position.outcome ==
        rollout::events::FinishedOutcome::aborted);  // what the old journal said
  bool archived = false;
  for (const auto& e : fs::directory_iterator(s.dir() + "/history"))
    archived = archived || slurp(e.path().string()) == old;
  CHECK(archived);
  CHECK(s.journal().empty());  // the new run begins an empty journal
}

TEST_CASE("a rehearsal's resume learns from the journal that it is one") {
  Scratch s;
  Heard heard;
  REQUIRE(session::run(s.state_dir, s.start(true), heard.hooks()).ok());
  std::string journal = s.journal(true);
  journal.erase(journal.rfind("{\"", journal.size() - 2));  // its end cut off: unfinished
  spit(s.dir(true) + "/journal.jsonl", journal);
  fs::remove(s.dir(true) + "/state.json");  // it would say the journal lost its end
  auto o = session::open_rollout(s.dir(true), resuming(), {});
  REQUIRE_MESSAGE(o.ok(), (o ? "" : o.error().message));
  CHECK(o->dry_run);
}

TEST_CASE("a start keeps its runbook and scenario; none leaves no old scenario behind") {
  Scratch s;
  fs::create_directories(s.dir());
  spit(s.root + "/scenario.toml", "[[metric]]\n");
  REQUIRE(session::keep_as_started(s.dir(), s.runbook, s.root + "/scenario.toml").ok());
  CHECK(slurp(session::runbook_as_started(s.dir())) == slurp(s.runbook));
  CHECK(session::scenario_as_started(s.dir()) == s.dir() + "/scenario.toml");
  REQUIRE(session::keep_as_started(s.dir(), s.runbook, "").ok());
  CHECK(session::scenario_as_started(s.dir()).empty());
  auto missing = session::keep_as_started(s.dir(), s.root + "/gone.toml", "");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == ErrorKind::io);
}
