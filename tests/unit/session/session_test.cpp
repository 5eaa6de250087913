// session::run: a start and a resume in this process, as an operator sees them (what the
// router was told, what the journal holds, which exit code), on a real exec router and
// file metrics in a scratch directory (holds of a second).
#include "session/session.hpp"

#include <filesystem>

#include <doctest/doctest.h>

#include "core/exit_status.hpp"
#include "scratch.hpp"
#include "state/lock.hpp"

namespace fs = std::filesystem;
using namespace rollout;
using namespace rollout::test;

namespace {

std::size_t files_in(const std::string& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

TEST_CASE("a start runs the runbook to its end and writes the reports") {
  Scratch s;
  s.write_runbook("full");
  // Without the manual gate: edit the canary to advance by itself.
  std::string rb = slurp(s.runbook);
  rb.replace(rb.find("advance = \"manual\""), 18, "advance = \"auto\"");
  spit(s.runbook, rb);
  Heard heard;
  auto ended = session::run(s.state_dir, s.start(), heard.hooks());
  REQUIRE(ended.ok());
  CHECK(ended->code == ExitCode::ok);
  CHECK(ended->name == "unit-demo");
  CHECK(slurp(s.weights) == "0 100\n");
  CHECK(fs::exists(s.dir() + "/report.md"));
  CHECK(fs::exists(s.dir() + "/report.junit.xml"));
  CHECK(slurp(s.dir() + "/runbook.toml") == rb);  // kept as started
}

TEST_CASE("a start over an unfinished rollout is refused and touches nothing") {
  Scratch s;
  start_paused(s);
  const std::string journal = s.journal();
  const std::size_t files = files_in(s.dir());
  fs::remove(s.weights);

  Heard heard;
  auto again = session::run(s.state_dir, s.start(), heard.hooks());
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().kind == ErrorKind::refused);
  CHECK(exit_code_for(again.error().kind) == ExitCode::usage);
  CHECK(again.error().message.find("unfinished") != std::string::npos);
  CHECK(again.error().message.find("rollout resume unit-demo") != std::string::npos);
  CHECK_FALSE(s.weights_written());   // the router was not called
  CHECK(s.journal() == journal);      // not archived, not appended to
  CHECK(files_in(s.dir()) == files);  // no archive beside it
}

TEST_CASE("a resume runs the runbook as started, not the file edited since") {
  Scratch s;
  start_paused(s);
  s.write_runbook("everyone");  // the last stage renamed in the operator's file
  Heard heard;
  const session::Request r = Scratch::resume_to(ControlRequest::Kind::advance);
  auto ended = session::run(s.state_dir, r, heard.hooks());
  REQUIRE_MESSAGE(ended.ok(), (ended ? "" : ended.error().message));
  CHECK(ended->code == ExitCode::ok);
  CHECK(slurp(s.weights) == "0 100\n");
  const std::string journal = s.journal();
  CHECK(journal.find("\"full\"") != std::string::npos);
  CHECK(journal.find("everyone") == std::string::npos);

  SUBCASE("and a resume after the end is refused") {
    auto late = session::run(s.state_dir, Scratch::resume(), heard.hooks());
    REQUIRE_FALSE(late.ok());
    CHECK(late.error().kind == ErrorKind::refused);
    CHECK(late.error().message.find("already ended") != std::string::npos);
    CHECK(s.journal() == journal);
  }
}

TEST_CASE("a resume of an unreadable runbook as started is a usage error with its diagnostics") {
  Scratch s;
  start_paused(s);
  spit(s.dir() + "/runbook.toml", "[rollout\n");
  Heard heard;
  auto ended = session::run(s.state_dir, Scratch::resume(), heard.hooks());
  REQUIRE_FALSE(ended.ok());
  CHECK(ended.error().kind == ErrorKind::usage);
  CHECK(ended.error().message.empty());  // the diagnostics said it
  CHECK(heard.diagnostics.find("runbook.toml") != std::string::npos);
}

TEST_CASE("a rollout another process holds is refused as locked") {
  Scratch s;
  start_paused(s);
  auto held = state::RolloutLock::acquire(s.dir(), state::LockHolder::self());
  REQUIRE(held.lock);
  Heard heard;
  auto ended = session::run(s.state_dir, Scratch::resume(), heard.hooks());
  REQUIRE_FALSE(ended.ok());
  CHECK(ended.error().kind == ErrorKind::locked);
  CHECK(exit_code_for(ended.error().kind) == ExitCode::locked);
}

TEST_CASE("on a damaged journal a resume refuses (a person must act) and an abort rolls back") {
  Scratch s;
  start_paused(s);
  std::string journal = s.journal();
  const auto second = journal.find('\n') + 1;
  journal.insert(second, "{not json\n");
  spit(s.dir() + "/journal.jsonl", journal);

  Heard heard;
  auto resumed = session::run(s.state_dir, Scratch::resume(), heard.hooks());
  REQUIRE_FALSE(resumed.ok());
  CHECK(resumed.error().kind == ErrorKind::uncertain);
  CHECK(exit_code_for(resumed.error().kind) == ExitCode::rollback_failed);
  CHECK(slurp(s.weights) == "90 10\n");

  const session::Request abort = Scratch::resume_to(ControlRequest::Kind::abort);
  auto aborted = session::run(s.state_dir, abort, heard.hooks());
  REQUIRE_MESSAGE(aborted.ok(), (aborted ? "" : aborted.error().message));
  CHECK(aborted->code == ExitCode::aborted);
  CHECK(slurp(s.weights) == "100 0\n");
}

TEST_CASE("an operator who declines at the prompt leaves the router untouched") {
  Scratch s;
  Heard heard;
  session::Hooks h = heard.hooks();
  h.interactive = true;
  int asked = 0;
  h.confirm = [&asked](const runbook::Runbook& book) {
    ++asked;
    CHECK(book.rollout.name == "unit-demo");
    return false;
  };
  auto ended = session::run(s.state_dir, s.start(), h);
  REQUIRE(ended.ok());
  CHECK(asked == 1);
  CHECK_FALSE(ended->started);
  CHECK(ended->code == ExitCode::ok);
  CHECK_FALSE(s.weights_written());

  SUBCASE("a dry run never asks") {
    auto rehearsed = session::run(s.state_dir, s.start(true), h);
    REQUIRE(rehearsed.ok());
    CHECK(asked == 1);
    CHECK(rehearsed->started);
  }
}

TEST_CASE("a dry run is rehearsed: the router's command never runs, its state is kept apart") {
  Scratch s;
  Heard heard;
  auto ended = session::run(s.state_dir, s.start(true), heard.hooks());
  REQUIRE_MESSAGE(ended.ok(), (ended ? "" : ended.error().message));
  CHECK(ended->code == ExitCode::ok);  // a rehearsal approves its manual gates
  CHECK_FALSE(s.weights_written());
  CHECK(s.journal(true).find("\"dry_run\":true") != std::string::npos);
  CHECK_FALSE(fs::exists(s.dir()));
  CHECK(fs::exists(s.dir(true) + "/report.md"));
  // What the commands take to reach it, in every hint: its state directory's name.
  CHECK(ended->name == "unit-demo.dry-run");
  CHECK(slurp(s.dir(true) + "/report.md").find("`rollout report unit-demo.dry-run") !=
        std::string::npos);
}

TEST_CASE("a start refuses what it cannot run before touching anything") {
  Scratch s;
  Heard heard;
  session::Request r = s.start();
  SUBCASE("--scenario without --dry-run") {
    r.scenario = s.root + "/metrics.json";
    auto ended = session::run(s.state_dir, r, heard.hooks());
    REQUIRE_FALSE(ended.ok());
    CHECK(ended.error().message == "--scenario needs --dry-run");
  }
  SUBCASE("--from a stage the runbook does not have") {
    r.from = "canery";
    auto ended = session::run(s.state_dir, r, heard.hooks());
    REQUIRE_FALSE(ended.ok());
    CHECK(ended.error().kind == ErrorKind::usage);
    CHECK(ended.error().message.find("canary") != std::string::npos);  // did you mean
  }
  CHECK_FALSE(fs::exists(s.dir()));
  CHECK_FALSE(s.weights_written());
}
