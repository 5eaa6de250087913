// Tests for lib/providers/process_run.cpp and process_kill.cpp: real commands and
// real processes, each bounded in time and cleaned up.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "core/redact.hpp"
#include "providers/process.hpp"
#include "support/background.hpp"

using namespace rollout;
using namespace rollout::providers;
using namespace std::chrono_literals;
using testsupport::Background;
using testsupport::TempDir;

namespace {

runbook::RunStep argv_step(std::vector<std::string> argv, Duration timeout = 10s) {
  runbook::RunStep s;
  s.argv = std::move(argv);
  s.timeout = timeout;
  return s;
}

runbook::RunStep shell_step(std::string shell, Duration timeout = 10s) {
  runbook::RunStep s;
  s.shell = std::move(shell);
  s.timeout = timeout;
  return s;
}

bool alive(int pid) {
  const std::string stat = testsupport::read_text("/proc/" + std::to_string(pid) + "/stat");
  if (stat.empty()) return false;
  const auto close = stat.rfind(')');
  return close != std::string::npos && stat[close + 2] != 'Z';
}

}  // namespace

TEST_CASE("run: argv without a shell, exit code and output") {
  RealProcessControl pc;
  auto r = pc.run(argv_step({"printf", "%s|%s", "$(echo no)", "a b;c"}));
  REQUIRE(r.ok());
  CHECK(r->exit_code == 0);
  CHECK_FALSE(r->timed_out);
  // No shell: the arguments arrive as written.
  CHECK(r->output == "$(echo no)|a b;c");

  auto fail = pc.run(shell_step("echo out; echo err >&2; exit 3"));
  REQUIRE(fail.ok());
  CHECK(fail->exit_code == 3);
  CHECK(fail->output.find("out") != std::string::npos);
  CHECK(fail->output.find("err") != std::string::npos);
}

TEST_CASE("run: environment additions and working directory") {
  TempDir dir;
  RealProcessControl pc;
  auto step = shell_step("echo \"$ROLLOUT_TEST_VAR\"; pwd");
  step.env = {{"ROLLOUT_TEST_VAR", "hello there"}};
  step.cwd = dir.path().string();
  auto r = pc.run(step);
  REQUIRE(r.ok());
  CHECK(r->output == "hello there\n" + std::filesystem::canonical(dir.path()).string() + "\n");

  step.cwd = dir / "missing";
  auto bad = pc.run(step);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("missing") != std::string::npos);
}

TEST_CASE("run: a command that cannot be started is an Error naming it") {
  RealProcessControl pc;
  auto r = pc.run(argv_step({"rollout-no-such-command-xyz"}));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("rollout-no-such-command-xyz") != std::string::npos);
}

TEST_CASE("run: a timeout terminates the whole process group") {
  RealProcessControl pc;
  // The background sleeper prints its pid, then the shell waits for it.
  auto r = pc.run(shell_step("sleep 30 & echo $!; wait", 500ms));
  REQUIRE(r.ok());
  CHECK(r->timed_out);
  CHECK(r->exit_code == -1);
  const int child = std::stoi(r->output);
  CHECK(testsupport::wait_until([&] { return !alive(child); }, 5s));
}

TEST_CASE("run: a daemon left holding the output pipe does not hold up the step") {
  RealProcessControl pc;
  // If run() waited for end-of-file on the pipe it would time out after 3s.
  auto r = pc.run(shell_step("sleep 20 & echo $!; echo started", 3s));
  REQUIRE(r.ok());
  CHECK_FALSE(r->timed_out);
  CHECK(r->exit_code == 0);
  const int daemon = std::stoi(r->output);
  CHECK(alive(daemon));  // left running, as the command intended
  ::kill(daemon, SIGKILL);
}

TEST_CASE("run: long output keeps its head and tail") {
  RealProcessControl pc;
  auto r = pc.run(shell_step(
      "echo FIRST; i=0; while [ $i -lt 5000 ]; do echo line $i; i=$((i+1)); done; echo LAST"));
  REQUIRE(r.ok());
  CHECK(r->output.size() < 10000);
  CHECK(r->output.rfind("FIRST\n", 0) == 0);
  CHECK(r->output.find("bytes omitted") != std::string::npos);
  CHECK(r->output.ends_with("LAST\n"));
}

TEST_CASE("run: a hard stop cancels a running command") {
  RealProcessControl pc;
  clear_hard_stop();
  std::thread stopper([] {
    std::this_thread::sleep_for(300ms);
    request_hard_stop();
  });
  auto r = pc.run(shell_step("sleep 30", 60s));
  stopper.join();
  clear_hard_stop();
  REQUIRE(r.ok());
  CHECK(r->cancelled);
  CHECK_FALSE(r->timed_out);
  CHECK(r->exit_code == -1);
}

TEST_CASE("signal names") {
  CHECK(signal_from_name("TERM") == SIGTERM);
  CHECK(signal_from_name("SIGKILL") == SIGKILL);
  CHECK(signal_from_name("usr1") == SIGUSR1);
  CHECK_FALSE(signal_from_name("BOGUS").has_value());
}

TEST_CASE("kill: by pidfile, by exact name (also longer than 15), by command-line substring") {
  TempDir dir;
  RealProcessControl pc;

  SUBCASE("pidfile") {
    Background sleeper({"sleep", "60"}, dir / "log");
    testsupport::write_file(dir / "app.pid", std::to_string(sleeper.pid()) + "\n");
    runbook::KillStep k;
    k.pidfile = dir / "app.pid";
    auto r = pc.kill(k);
    REQUIRE(r.ok());
    CHECK(r->matched == std::vector<int>{sleeper.pid()});
    CHECK(r->survivors.empty());
    CHECK_FALSE(alive(sleeper.pid()));
  }
  SUBCASE("exact name, including a name the kernel truncates") {
    // Unique to this run, so parallel test runs never see each other's processes.
    const std::string pid = std::to_string(::getpid());
    for (std::string name : {"rt-" + pid, "rollout_test_long_sleeper_" + pid}) {
      const std::string exe = dir / name;
      std::filesystem::copy_file("/bin/sleep", exe);
      std::filesystem::permissions(exe, std::filesystem::perms::owner_all);
      Background a({exe, "60"}, dir / "log");
      Background b({exe, "61"}, dir / "log");
      REQUIRE(testsupport::wait_until([&] { return alive(a.pid()) && alive(b.pid()); }, 5s));
      // Background returns once exec has happened, so comm is the new name already.
      CAPTURE(name);
      runbook::KillStep k;
      // A prefix of the name is not the name.
      k.name = name.substr(0, name.size() - 1);
      auto none = pc.kill(k);
      REQUIRE(none.ok());
      CHECK(none->matched.empty());
      CHECK(alive(a.pid()));

      k.name = name;
      auto r = pc.kill(k);
      REQUIRE(r.ok());
      CHECK(r->matched.size() == 2);
      CHECK_FALSE(alive(a.pid()));
      CHECK_FALSE(alive(b.pid()));
    }
  }
  SUBCASE("command-line substring, and SIGKILL after the grace for a process ignoring TERM") {
    const std::string marker = "rollout-marker-" + std::to_string(::getpid());
    // It waits on a FIFO with a builtin, forking nothing: a `sleep` loop's forked shell
    // children carry the same command line for a moment, and the pattern matches them too.
    const auto fifo = dir / "fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    Background stubborn(
        {"sh", "-c", "trap '' TERM; while :; do read x <> \"$0\"; done; : " + marker, fifo},
        dir / "log");
    REQUIRE(testsupport::wait_until([&] { return alive(stubborn.pid()); }, 5s));
    std::this_thread::sleep_for(100ms);  // let the shell install its trap
    runbook::KillStep k;
    k.pattern = marker;
    k.grace = 300ms;
    auto r = pc.kill(k);
    REQUIRE(r.ok());
    CHECK(r->matched == std::vector<int>{stubborn.pid()});
    CHECK(r->forced == std::vector<int>{stubborn.pid()});
    CHECK(r->survivors.empty());
    CHECK(r->detail.find("SIGKILL") != std::string::npos);
    CHECK_FALSE(alive(stubborn.pid()));
  }
}

TEST_CASE("kill: no match is not an error, and never rollout itself or its parent") {
  TempDir dir;
  RealProcessControl pc;
  runbook::KillStep k;
  k.pattern = "no-process-has-this-in-its-command-line-8231";
  auto none = pc.kill(k);
  REQUIRE(none.ok());
  CHECK(none->matched.empty());
  CHECK(none->detail.find("no process matched") != std::string::npos);

  runbook::KillStep missing;
  missing.pidfile = dir / "absent.pid";
  auto m = pc.kill(missing);
  REQUIRE(m.ok());
  CHECK(m->matched.empty());

  for (int pid : {static_cast<int>(::getpid()), static_cast<int>(::getppid()), 1}) {
    testsupport::write_file(dir / "self.pid", std::to_string(pid));
    runbook::KillStep self;
    self.pidfile = dir / "self.pid";
    self.signal = "USR2";  // would kill this test binary if it were sent
    auto r = pc.kill(self);
    REQUIRE(r.ok());
    CHECK(r->matched.empty());
    CHECK(r->survivors == std::vector<int>{pid});
  }

  runbook::KillStep bad;
  bad.pattern = "x";
  bad.signal = "BOGUS";
  CHECK_FALSE(pc.kill(bad).ok());
}

namespace {
// True when no 3 consecutive characters of `secret` appear in `text`.
bool no_piece_of(const std::string& text, const std::string& secret) {
  for (std::size_t i = 0; i + 3 <= secret.size(); ++i)
    if (text.find(secret.substr(i, 3)) != std::string::npos) return false;
  return true;
}
}  // namespace

TEST_CASE("run: secrets are redacted before the output is cut, whatever their length") {
  const std::string secret = "Zq9Xw7Vt5Ru3";
  secrets().add(secret);
  secrets().add("Qj");  // two characters
  RealProcessControl pc;
  // The secret straddles the 4 KiB head cut, and the start of the 4 KiB tail.
  const std::string script = "head -c 4090 /dev/zero | tr '\\0' a; printf " + secret +
                             "; head -c 10000 /dev/zero | tr '\\0' b; printf " + secret +
                             "; head -c 4080 /dev/zero | tr '\\0' c; printf ' Qj end'";
  auto r = pc.run(shell_step(script));
  REQUIRE(r.ok());
  CHECK(r->exit_code == 0);
  CHECK(r->output.find("bytes omitted") != std::string::npos);
  CHECK(no_piece_of(r->output, secret));
  CHECK(r->output.find("Qj") == std::string::npos);
  CHECK(r->output.find(" *** end") != std::string::npos);
  CHECK(r->output.rfind(std::string(4090, 'a'), 0) == 0);  // the head is still there
}

TEST_CASE("kill: a step that would signal more than max_processes signals none and names them") {
  TempDir dir;
  RealProcessControl pc;
  const std::string marker = "rollout-many-" + std::to_string(::getpid());
  const std::string secret = "Hb5Jc7Kd9Lf1";
  secrets().add(secret);
  std::vector<std::unique_ptr<Background>> procs;
  for (int i = 0; i < 3; ++i)
    procs.push_back(std::make_unique<Background>(
        // No shell: a shell forks for `sleep`, and between fork and exec the child has the
        // same command line, so a kill may see it too and count more than three.
        std::vector<std::string>{"/usr/bin/python3", "-c", "import time; time.sleep(60)", marker,
                                 secret},
        dir / "log"));
  REQUIRE(testsupport::wait_until(
      [&] {
        for (auto& p : procs)
          if (!alive(p->pid())) return false;
        return true;
      },
      5s));
  runbook::KillStep k;
  k.pattern = marker;
  k.max_processes = 2;
  auto refused = pc.kill(k);
  REQUIRE_FALSE(refused.ok());
  const std::string& msg = refused.error().message;
  CAPTURE(msg);
  CHECK(msg.find("3 processes") != std::string::npos);
  CHECK(msg.find("max_processes = 2") != std::string::npos);
  for (auto& p : procs) {
    CHECK(alive(p->pid()));  // nothing was signalled
    CHECK(msg.find(std::to_string(p->pid()) + " /usr/bin/python3 -c import time; time.sleep(60) " +
                   marker) != std::string::npos);
  }
  CHECK(msg.find(secret) == std::string::npos);

  k.max_processes = 3;
  auto r = pc.kill(k);
  REQUIRE(r.ok());
  CHECK(r->matched.size() == 3);
  for (auto& p : procs) CHECK_FALSE(alive(p->pid()));
}

TEST_CASE("run: raw bytes in the output are escaped, lines kept") {
  RealProcessControl pc;
  auto r = pc.run(shell_step("printf 'a\\000b\\377c\\033[2J\\nnext'"));
  REQUIRE(r.ok());
  CHECK(r->output == "a\\x00b\\xffc\\x1b[2J\nnext");
}

TEST_CASE("kill: a pattern known only at run time that is blank or short signals nothing") {
  // pattern = "${env.PAT}" with PAT=" " passed validate and SIGTERMed every process with an
  // argument. The provider refuses it before it looks at a single process.
  TempDir dir;
  RealProcessControl pc;
  Background victim({"sleep", "60"}, dir / "log");
  REQUIRE(testsupport::wait_until([&] { return alive(victim.pid()); }, 5s));
  for (const char* pattern : {" ", "  \t ", "60", "p 6"}) {
    runbook::KillStep k;
    k.pattern = pattern;
    k.max_processes = 1000;
    auto r = pc.kill(k);
    CAPTURE(pattern);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("fewer than 4 characters besides blanks") != std::string::npos);
  }
  CHECK(alive(victim.pid()));
}
