// Background processes of a stage (a load test beside the canary): posix_spawn in a process
// group of its own (never a shell unless the step says `shell`), stdin from /dev/null,
// stdout+stderr into a pipe a reader thread keeps the tail of. Stopping signals the whole
// group: SIGTERM, the grace, SIGKILL, then a bounded wait for the group to be gone.
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>

#include "core/printable.hpp"
#include "core/redact.hpp"
#include "providers/process.hpp"

extern char** environ;

namespace rollout::providers {

namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr std::size_t kTail = 4096;                    // output kept from the end
constexpr std::chrono::milliseconds kAfterKill{2000};  // a SIGKILLed group is gone by then

bool group_alive(int pgid) {
  return pgid > 1 && ::kill(-pgid, 0) == 0;
}

// Waits until the group is gone (reaping `pid` when it is ours), at most until `until`.
bool wait_gone(int pid, int pgid, int* status, bool* reaped, SteadyClock::time_point until) {
  for (;;) {
    if (pid > 0 && !*reaped && ::waitpid(pid, status, WNOHANG) == pid) *reaped = true;
    if ((pid <= 0 || *reaped) && !group_alive(pgid)) return true;
    if (SteadyClock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// SIGTERM, grace, SIGKILL, a bounded wait: the one way a group is stopped.
void end_group(int pid, int pgid, Duration grace, int* status, bool* reaped) {
  if (pgid > 1) ::kill(-pgid, SIGTERM);
  if (wait_gone(pid, pgid, status, reaped, SteadyClock::now() + grace)) return;
  if (pgid > 1) ::kill(-pgid, SIGKILL);
  (void)wait_gone(pid, pgid, status, reaped, SteadyClock::now() + kAfterKill);
}

}  // namespace

struct RealProcessControl::Job {
  int pid = 0;
  int fd = -1;
  std::thread reader;
  std::atomic<bool> quit{false};
  std::mutex mu;
  std::string tail;
  bool reaped = false;
  int status = 0;

  void read_loop() {
    char buf[4096];
    while (!quit.load()) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) break;
      std::lock_guard lock(mu);
      tail.append(buf, static_cast<std::size_t>(n));
      if (tail.size() > 4 * kTail) tail.erase(0, tail.size() - 2 * kTail);
    }
  }
  // The output so far, once the reader is done with it (it stops listening after `linger`:
  // a process the command left behind may hold the pipe open).
  BackgroundExit finish(std::chrono::milliseconds linger) {
    const auto until = SteadyClock::now() + linger;
    while (reader.joinable() && SteadyClock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 0) == 0) break;  // nothing more pending
    }
    quit.store(true);
    if (reader.joinable()) reader.join();
    if (fd >= 0) ::close(fd);
    fd = -1;
    BackgroundExit out;
    if (WIFEXITED(status)) out.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) out.signal = WTERMSIG(status);
    std::string t = tail.size() > kTail ? tail.substr(tail.size() - kTail) : tail;
    out.output = printable(secrets().redact(t));
    return out;
  }
};

RealProcessControl::RealProcessControl() = default;

RealProcessControl::~RealProcessControl() {
  // The engine stops its processes when a stage ends; this is the last line of defence.
  for (auto& [pid, job] : jobs_) {
    if (!job->reaped) end_group(pid, pid, Duration(2000), &job->status, &job->reaped);
    (void)job->finish(std::chrono::milliseconds(0));
  }
}

Result<BackgroundProcess> RealProcessControl::start(const runbook::RunStep& step) {
  std::vector<std::string> argv_s =
      step.shell.empty() ? step.argv : std::vector<std::string>{"/bin/sh", "-c", step.shell};
  if (argv_s.empty() || argv_s[0].empty()) return make_error("empty command");
  if (!step.cwd.empty()) {
    struct stat st {};
    if (::stat(step.cwd.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
      return make_error("working directory " + step.cwd + ": not a directory");
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return make_error(std::string("pipe: ") + std::strerror(errno));

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  if (!step.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, step.cwd.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setpgroup(&attr, 0);  // its own group: stopped as a whole, no Ctrl-C
  sigset_t defaults, empty;
  sigemptyset(&defaults);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM,
                SIGTSTP, SIGTTIN, SIGTTOU})
    sigaddset(&defaults, s);
  sigemptyset(&empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<std::string> env_s;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    if (!step.env.contains(std::string(entry.substr(0, entry.find('=')))))
      env_s.emplace_back(entry);
  }
  for (const auto& [k, v] : step.env) env_s.push_back(k + "=" + v);
  std::vector<char*> argv, envp;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = -1;
  const bool search = argv_s[0].find('/') == std::string::npos;
  const int rc = search ? ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data())
                        : ::posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return make_error("cannot run " + argv_s[0] + ": " + std::strerror(rc));
  }
  auto job = std::make_unique<Job>();
  job->pid = pid;
  job->fd = fds[0];
  job->reader = std::thread([j = job.get()] { j->read_loop(); });
  jobs_[pid] = std::move(job);
  return BackgroundProcess{pid, pid, pid};
}

std::optional<BackgroundExit> RealProcessControl::poll(const BackgroundProcess& process) {
  auto it = jobs_.find(process.handle);
  if (it == jobs_.end()) return BackgroundExit{};  // not ours (any more): gone
  Job& job = *it->second;
  if (!job.reaped && ::waitpid(job.pid, &job.status, WNOHANG) != job.pid) return std::nullopt;
  job.reaped = true;
  BackgroundExit out = job.finish(std::chrono::milliseconds(200));
  // What it left behind in its group does not outlive it.
  if (group_alive(job.pid)) end_group(0, job.pid, Duration(1000), &job.status, &job.reaped);
  jobs_.erase(it);
  return out;
}

BackgroundExit RealProcessControl::stop(const BackgroundProcess& process, Duration grace) {
  auto it = jobs_.find(process.handle);
  if (it == jobs_.end()) return BackgroundExit{};
  Job& job = *it->second;
  end_group(job.pid, job.pid, grace, &job.status, &job.reaped);
  BackgroundExit out = job.finish(std::chrono::milliseconds(200));
  jobs_.erase(it);
  return out;
}

bool RealProcessControl::stop_leftover(int pgid, Duration grace) {
  if (pgid <= 1 || pgid == ::getpgrp() || !group_alive(pgid)) return false;
  int status = 0;
  bool reaped = false;
  end_group(0, pgid, grace, &status, &reaped);
  return true;
}

}  // namespace rollout::providers
