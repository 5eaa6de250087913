// The rollout lock: one holder; others see who it is; released on destruction.
#include <unistd.h>

#include <filesystem>
#include <fstream>

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

namespace {
std::string temp_dir() {
  char tmpl[] = "/tmp/rollout-lock-XXXXXX";
  return ::mkdtemp(tmpl);
}
std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
}  // namespace

TEST_CASE(
    "a lock file deleted under its holder: verify() says the lock is lost, and a second "
    "acquire is still refused") {
  const std::string dir = temp_dir();
  auto first = state::RolloutLock::acquire(dir, state::LockHolder::self());
  REQUIRE(first.lock);
  CHECK(first.lock->verify().ok());
  fs::remove(fs::path(dir) / "lock");
  auto v = first.lock->verify();
  REQUIRE_FALSE(v.ok());
  CHECK(v.error().message.find("lost the lock") != std::string::npos);
  auto second = state::RolloutLock::acquire(dir, state::LockHolder::self());
  CHECK_FALSE(second.lock);
  REQUIRE(second.holder);
  CHECK(second.holder->pid == ::getpid());  // from the kernel's lock table: the record is gone
  REQUIRE(state::lock_holder(dir));
  first.lock.reset();
  fs::remove_all(dir);
}

TEST_CASE("a lock file replaced under its holder: verify() says the lock is lost") {
  const std::string dir = temp_dir();
  auto first = state::RolloutLock::acquire(dir, state::LockHolder::self());
  REQUIRE(first.lock);
  { std::ofstream(fs::path(dir) / "lock.new") << "{}\n"; }
  fs::rename(fs::path(dir) / "lock.new", fs::path(dir) / "lock");
  CHECK_FALSE(first.lock->verify().ok());
  first.lock.reset();
  CHECK(slurp((fs::path(dir) / "lock").string()) == "{}\n");  // the replacement is not ours
  fs::remove_all(dir);
}

TEST_CASE("every run gets its own id, kept in the lock record") {
  const auto a = state::LockHolder::self();
  const auto b = state::LockHolder::self();
  CHECK(a.run.size() == 16);
  CHECK(a.run != b.run);
  const std::string dir = temp_dir();
  auto lock = state::RolloutLock::acquire(dir, a);
  REQUIRE(lock.lock);
  auto seen = state::lock_holder(dir);
  REQUIRE(seen);
  CHECK(seen->run == a.run);
  lock.lock.reset();
  fs::remove_all(dir);
}

TEST_CASE("a symlinked lock is refused and the file it points at is left alone") {
  const std::string dir = temp_dir();
  const std::string victim = dir + "/victim";
  { std::ofstream(victim) << "precious\n"; }
  fs::create_symlink(victim, fs::path(dir) / "lock");
  auto a = state::RolloutLock::acquire(dir, state::LockHolder::self());
  CHECK_FALSE(a.lock);
  CHECK(a.error.find("symbolic link") != std::string::npos);
  CHECK(slurp(victim) == "precious\n");
  fs::remove_all(dir);
}

TEST_CASE("the holder's pid comes from the kernel's lock table, not from what the file claims") {
  const std::string dir = temp_dir();
  auto lock = state::RolloutLock::acquire(dir, state::LockHolder::self());
  REQUIRE(lock.lock);
  auto forged = state::LockHolder::self();
  forged.pid = 1;
  { std::ofstream(fs::path(dir) / "lock") << forged.to_json().dump() << "\n"; }
  auto seen = state::lock_holder(dir);
  REQUIRE(seen);
  CHECK(seen->pid == ::getpid());
  CHECK(seen->claimed_pid == 1);
  CHECK(seen->describe().find("names pid 1") != std::string::npos);
  lock.lock.reset();
  // A record naming a pid while nobody holds the flock names no one.
  { std::ofstream(fs::path(dir) / "lock") << forged.to_json().dump() << "\n"; }
  CHECK_FALSE(state::lock_holder(dir));
  fs::remove_all(dir);
}

TEST_CASE("a rollout directory holding another user's journal is refused") {
  if (::geteuid() != 0) return;  // chown needs root
  const std::string dir = temp_dir();
  const std::string journal = dir + "/journal.jsonl";
  { std::ofstream(journal) << "{}\n"; }
  REQUIRE(::chown(journal.c_str(), 65534, 65534) == 0);
  auto a = state::RolloutLock::acquire(dir, state::LockHolder::self());
  CHECK_FALSE(a.lock);
  CHECK(a.error.find("owned by uid 65534") != std::string::npos);
  fs::remove_all(dir);
}
