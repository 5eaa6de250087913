// Tests for lib/providers/process_background.cpp: real background processes, each bounded
// in time; stopping one ends its whole process group.
#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "providers/process.hpp"
#include "support/background.hpp"

using namespace rollout;
using namespace rollout::providers;
using namespace std::chrono_literals;
using testsupport::TempDir;

namespace {

runbook::RunStep shell_step(std::string shell) {
  runbook::RunStep s;
  s.shell = std::move(shell);
  s.background = true;
  return s;
}

// Polls until it exits, at most `limit`.
std::optional<BackgroundExit> wait_exit(RealProcessControl& pc, const BackgroundProcess& p,
                                        std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (auto x = pc.poll(p)) return x;
    std::this_thread::sleep_for(20ms);
  }
  return std::nullopt;
}

bool group_alive(int pgid) {
  return ::kill(-pgid, 0) == 0;
}

}  // namespace

TEST_CASE("start: returns at once in a group of its own; poll sees the exit and the output") {
  RealProcessControl pc;
  const auto t0 = std::chrono::steady_clock::now();
  auto p = pc.start(shell_step("sleep 0.3; echo load test failed; exit 3"));
  REQUIRE(p.ok());
  CHECK(std::chrono::steady_clock::now() - t0 < 200ms);
  CHECK(p->pid > 1);
  CHECK(p->pgid == p->pid);
  CHECK(::getpgid(p->pid) == p->pid);
  CHECK_FALSE(pc.poll(*p).has_value());  // still running
  auto x = wait_exit(pc, *p, 5000ms);
  REQUIRE(x.has_value());
  CHECK(x->exit_code == 3);
  CHECK(x->signal == 0);
  CHECK(x->output.find("load test failed") != std::string::npos);
}

TEST_CASE("start: argv without a shell; a program that does not exist is an Error") {
  RealProcessControl pc;
  runbook::RunStep s;
  s.argv = {"printf", "%s", "$(echo no)"};
  auto p = pc.start(s);
  REQUIRE(p.ok());
  auto x = wait_exit(pc, *p, 5000ms);
  REQUIRE(x.has_value());
  CHECK(x->output == "$(echo no)");

  s.argv = {"/nonexistent/rollout-test-program"};
  auto bad = pc.start(s);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("rollout-test-program") != std::string::npos);
}

TEST_CASE("stop: SIGTERM ends the whole group, a shell and what it started") {
  TempDir dir;
  RealProcessControl pc;
  const std::string pidfile = dir / "child";
  auto p = pc.start(shell_step("sleep 30 & echo $! > " + pidfile + "; sleep 31"));
  REQUIRE(p.ok());
  int child = 0;
  for (int i = 0; i < 100 && child == 0; ++i) {
    std::this_thread::sleep_for(20ms);
    std::ifstream in(pidfile);
    in >> child;
  }
  REQUIRE(child > 1);
  CHECK(::getpgid(child) == p->pgid);
  const auto t0 = std::chrono::steady_clock::now();
  const BackgroundExit x = pc.stop(*p, 3s);
  CHECK(std::chrono::steady_clock::now() - t0 < 3s);  // TERM was enough
  CHECK(x.signal == SIGTERM);
  CHECK_FALSE(group_alive(p->pgid));
}

TEST_CASE("stop: a process that ignores SIGTERM is killed after the grace") {
  RealProcessControl pc;
  auto p = pc.start(shell_step("trap '' TERM; while :; do sleep 0.1; done"));
  REQUIRE(p.ok());
  std::this_thread::sleep_for(200ms);  // the trap is set
  const auto t0 = std::chrono::steady_clock::now();
  const BackgroundExit x = pc.stop(*p, 500ms);
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK(took >= 500ms);
  CHECK(took < 4s);
  CHECK(x.signal == SIGKILL);
}

TEST_CASE("stop_leftover: never this process's group, pid 1, or a group that is gone") {
  RealProcessControl pc;
  CHECK_FALSE(pc.stop_leftover(::getpgrp(), 100ms));
  CHECK_FALSE(pc.stop_leftover(1, 100ms));
  CHECK_FALSE(pc.stop_leftover(0, 100ms));
  auto p = pc.start(shell_step("exit 0"));
  REQUIRE(p.ok());
  REQUIRE(wait_exit(pc, *p, 5000ms).has_value());
  CHECK_FALSE(pc.stop_leftover(p->pgid, 100ms));
}
