// The real ProcessControl: runs commands (posix_spawn, own process group, timeout,
// captured output) and kills processes by pidfile, name or command-line substring.
// Also the lower-level spawn_capture() the exec router and exec source use.
#pragma once

#include <csignal>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/duration.hpp"
#include "core/result.hpp"
#include "ports/process_control.hpp"

namespace rollout::providers {

// A process-wide "stop now" switch (e.g. a second Ctrl-C during a rollback). Running
// commands are terminated (their process group gets SIGTERM, then SIGKILL) and report
// `cancelled`. Async-signal-safe: a signal handler may call request_hard_stop().
void request_hard_stop() noexcept;
void clear_hard_stop() noexcept;
bool hard_stop_requested() noexcept;

struct SpawnSpec {
  std::vector<std::string> argv;           // argv[0] is looked up in PATH when it has no '/'
  std::map<std::string, std::string> env;  // added to (or overriding) the environment
  std::string cwd;                         // empty: inherit
  Duration timeout{300000};
  Duration kill_grace{2000};      // after a timeout: SIGTERM, this long, SIGKILL
  bool split_stderr = false;      // false: stderr goes into `out` too
  std::size_t head_bytes = 4096;  // output kept from the start ...
  std::size_t tail_bytes = 4096;  // ... and from the end; the middle is elided
  // Secrets redacted before the cut (output for people); off when the output is parsed
  // (a metric), where a short secret could turn a number into asterisks.
  bool redact = false;
};

struct Spawned {
  int exit_code = -1;   // -1 when killed by a signal
  int term_signal = 0;  // the signal that ended it, if any
  bool timed_out = false;
  bool cancelled = false;
  std::string out;  // stdout (and stderr unless split_stderr), truncated head+tail
  std::string err;  // stderr when split_stderr, truncated head+tail
  Duration elapsed{0};
};

// Runs spec.argv without a shell in its own process group, stdin from /dev/null. An
// Error only when it could not be started (not found, not executable, bad cwd). When the
// command exits, output still arriving from processes it left behind (daemons holding
// the pipe) is read for a moment and then abandoned: those processes are not waited for.
Result<Spawned> spawn_capture(const SpawnSpec& spec);

// "TERM", "SIGTERM", "term" -> SIGTERM; INT HUP KILL QUIT USR1 USR2 too. nullopt otherwise.
std::optional<int> signal_from_name(const std::string& name);

class RealProcessControl final : public ProcessControl {
 public:
  RealProcessControl();
  ~RealProcessControl() override;  // stops what still runs in the background (bounded)
  Result<RunOutcome> run(const runbook::RunStep& step) override;
  Result<KillOutcome> kill(const runbook::KillStep& step) override;
  // process_background.cpp
  Result<BackgroundProcess> start(const runbook::RunStep& step) override;
  std::optional<BackgroundExit> poll(const BackgroundProcess& process) override;
  BackgroundExit stop(const BackgroundProcess& process, Duration grace) override;
  bool stop_leftover(int pgid, Duration grace) override;

 private:
  struct Job;
  std::map<int, std::unique_ptr<Job>> jobs_;  // by pid
};

}  // namespace rollout::providers
