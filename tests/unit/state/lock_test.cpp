// The rollout lock: one holder; others see who it is; released on destruction.
#include <unistd.h>

#include <filesystem>

#include <doctest/doctest.h>

#include "state/lock.hpp"

namespace fs = std::filesystem;
using namespace rollout;

TEST_CASE("a second acquire sees the holder's pid, host, user, command and start time") {
  char tmpl[] = "/tmp/rollout-lock-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  {
    auto me = state::LockHolder::self();
    CHECK(me.pid == ::getpid());
    CHECK_FALSE(me.command.empty());
    auto first = state::RolloutLock::acquire(dir, me);
    REQUIRE(first.lock);
    auto second = state::RolloutLock::acquire(dir, state::LockHolder::self());
    CHECK_FALSE(second.lock);
    REQUIRE(second.holder);
    CHECK(second.holder->pid == me.pid);
    CHECK(second.holder->host == me.host);
    CHECK(second.holder->user == me.user);
    CHECK(second.holder->started == me.started);
    auto seen = state::lock_holder(dir);
    REQUIRE(seen);
    CHECK(seen->describe().find(std::to_string(me.pid)) != std::string::npos);
  }
  CHECK_FALSE(state::lock_holder(dir));
  auto again = state::RolloutLock::acquire(dir, state::LockHolder::self());
  CHECK(again.lock);
  again.lock.reset();
  fs::remove_all(dir);
}
