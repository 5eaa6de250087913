// session::send: advance/abort from another shell, to a runner that holds the lock (played
// here by a thread polling the control directory) or, with none, run in this process.
#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include <doctest/doctest.h>

#include "core/exit_status.hpp"
#include "os/signals.hpp"
#include "scratch.hpp"
#include "session/session.hpp"
#include "state/file_control.hpp"
#include "state/layout.hpp"
#include "state/lock.hpp"

using namespace rollout;
using namespace rollout::test;

namespace {

const ControlRequest kAdvance{ControlRequest::Kind::advance, "tester", ""};

// A runner in a thread: it holds the lock and polls its control channel as run `run`
// (the lock's own run when empty) until it takes or discards a request, or 5 s pass.
struct Runner {
  explicit Runner(const Scratch& s, std::string as_run = "")
      : held(state::RolloutLock::acquire(s.dir(), state::LockHolder::self())) {
    REQUIRE(held.lock);
    os::install_signal_handlers();  // send wakes the holder (this process) with SIGUSR1
    const std::string run = as_run.empty() ? held.lock->holder().run : as_run;
    thread = std::thread([this, dir = state::control_dir(s.dir()), run] {
      state::FileControlChannel channel(dir, false, run);
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (!taken && channel.discarded() == 0 && std::chrono::steady_clock::now() < until) {
        if (auto r = channel.poll()) taken = r;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
  }
  ~Runner() { stop(); }
  void stop() {
    if (thread.joinable()) thread.join();
  }
  state::RolloutLock::Attempt held;
  std::optional<ControlRequest> taken;
  std::thread thread;
};

}  // namespace

TEST_CASE("advance with no runner continues the rollout in this process") {
  Scratch s;
  start_paused(s);
  Heard heard;
  auto ended = session::send(s.state_dir, "", kAdvance, heard.hooks());
  REQUIRE_MESSAGE(ended.ok(), (ended ? "" : ended.error().message));
  CHECK(ended->code == ExitCode::ok);
  CHECK(slurp(s.weights) == "0 100\n");
}

TEST_CASE("advance to a runner is taken by that runner, and this process moves nothing") {
  Scratch s;
  start_paused(s);
  Heard heard;
  Result<session::Ended> ended = make_error("not sent");
  {
    Runner runner(s);
    ended = session::send(s.state_dir, "unit-demo", kAdvance, heard.hooks());
    runner.stop();
    REQUIRE(runner.taken);
    CHECK(runner.taken->kind == ControlRequest::Kind::advance);
    CHECK(runner.taken->by == "tester");
  }
  REQUIRE_MESSAGE(ended.ok(), (ended ? "" : ended.error().message));
  CHECK(ended->code == ExitCode::ok);
  CHECK(heard.progress.find("advance request taken by the runner") != std::string::npos);
  CHECK(slurp(s.weights) == "90 10\n");
}

TEST_CASE("a request the runner discards as meant for another run is refused as locked") {
  Scratch s;
  start_paused(s);
  Heard heard;
  Runner runner(s, "another-run");
  auto ended = session::send(s.state_dir, "unit-demo", kAdvance, heard.hooks());
  REQUIRE_FALSE(ended.ok());
  CHECK(ended.error().kind == ErrorKind::locked);
  CHECK(ended.error().message.find("discarded") != std::string::npos);
  CHECK(slurp(s.weights) == "90 10\n");
}

TEST_CASE("advance or abort of a rollout that is not there is a usage error") {
  Scratch s;
  start_paused(s);
  Heard heard;
  auto ended = session::send(s.state_dir, "no-such", kAdvance, heard.hooks());
  REQUIRE_FALSE(ended.ok());
  CHECK(exit_code_for(ended.error().kind) == ExitCode::usage);
  CHECK(ended.error().message.find("no-such") != std::string::npos);
}
