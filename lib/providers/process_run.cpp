// Running a command: posix_spawn in its own process group, output captured (head and
// tail kept), a timeout that terminates the whole group, and the hard-stop switch.
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
#include <thread>

#include "core/printable.hpp"
#include "core/redact.hpp"
#include "providers/process.hpp"

extern char** environ;

namespace rollout::providers {

namespace {

std::atomic<bool> g_hard_stop{false};

using Clock = std::chrono::steady_clock;

// Keeps the first `head` bytes and the last `tail` bytes of a stream. With `redact`,
// secrets are hidden before the cut: each part keeps `slack` bytes more (the longest
// secret), is redacted, then cut, so a secret straddling a cut never shows in part.
class HeadTail {
 public:
  HeadTail(std::size_t head, std::size_t tail, bool redact)
      : head_max_(head),
        tail_max_(tail),
        redact_(redact),
        slack_(redact ? secrets().longest() : 0) {}
  void append(const char* data, std::size_t n) {
    const std::size_t room = head_max_ + slack_;
    const std::size_t to_head = std::min(n, room - std::min(room, head_.size()));
    head_.append(data, to_head);
    data += to_head;
    n -= to_head;
    if (n == 0) return;
    tail_total_ += n;
    tail_.append(data, n);
    const std::size_t keep = tail_max_ + slack_;
    if (tail_.size() > 2 * keep + 4096) tail_.erase(0, tail_.size() - keep);
  }
  std::string str() const {
    const std::size_t total = head_.size() + tail_total_;
    if (total <= head_max_ + tail_max_) return clean(head_ + tail_);
    // The head and tail windows, each with its slack; from the whole stream while the
    // tail buffer still holds everything after the head.
    const bool whole = tail_.size() == tail_total_;
    const std::string all = whole ? head_ + tail_ : std::string();
    std::string head = clean(whole ? all.substr(0, head_max_ + slack_) : head_);
    if (head.size() > head_max_) head.resize(head_max_);
    const std::string& from = whole ? all : tail_;
    const std::size_t keep = std::min(tail_max_ + slack_, from.size());
    std::string tail = clean(from.substr(from.size() - keep));
    if (tail.size() > tail_max_) tail.erase(0, tail.size() - tail_max_);
    return head + "\n[... " + std::to_string(total - head_max_ - tail_max_) +
           " bytes omitted ...]\n" + tail;
  }

 private:
  std::string clean(const std::string& s) const { return redact_ ? secrets().redact(s) : s; }
  std::size_t head_max_, tail_max_;
  bool redact_;
  std::size_t slack_;
  std::string head_, tail_;
  std::size_t tail_total_ = 0;
};

struct Pipe {
  int r = -1, w = -1;
  ~Pipe() {
    if (r >= 0) ::close(r);
    if (w >= 0) ::close(w);
  }
  bool open() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return false;
    r = fds[0];
    w = fds[1];
    return true;
  }
  void close_w() {
    if (w >= 0) ::close(w);
    w = -1;
  }
};

std::vector<std::string> build_env(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    const auto eq = entry.find('=');
    const std::string key(entry.substr(0, eq));
    if (!extra.contains(key)) env.emplace_back(entry);
  }
  for (const auto& [k, v] : extra) env.push_back(k + "=" + v);
  return env;
}

std::vector<char*> c_array(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Reads what is available on fd into sink; false at EOF or error (fd is then done).
bool drain(int fd, HeadTail& sink) {
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      sink.append(buf, static_cast<std::size_t>(n));
      if (static_cast<std::size_t>(n) < sizeof buf) return true;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return true;
    return false;
  }
}

}  // namespace

void request_hard_stop() noexcept {
  g_hard_stop.store(true);
}
void clear_hard_stop() noexcept {
  g_hard_stop.store(false);
}
bool hard_stop_requested() noexcept {
  return g_hard_stop.load();
}

Result<Spawned> spawn_capture(const SpawnSpec& spec) {
  if (spec.argv.empty() || spec.argv[0].empty()) return make_error("empty command");
  if (!spec.cwd.empty()) {
    struct stat st {};
    if (::stat(spec.cwd.c_str(), &st) != 0)
      return make_error("working directory " + spec.cwd + ": " + std::strerror(errno));
    if (!S_ISDIR(st.st_mode))
      return make_error("working directory " + spec.cwd + ": not a directory");
  }
  Pipe out, err;
  if (!out.open() || (spec.split_stderr && !err.open()))
    return make_error(std::string("pipe: ") + std::strerror(errno));

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.w, 1);
  posix_spawn_file_actions_adddup2(&actions, spec.split_stderr ? err.w : out.w, 2);
  if (!spec.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, spec.cwd.c_str());

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Own process group: a timeout kills the command and everything it started, and the
  // terminal's Ctrl-C reaches rollout (which decides), not the command directly.
  posix_spawnattr_setpgroup(&attr, 0);
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

  std::vector<std::string> argv_s = spec.argv;
  std::vector<std::string> env_s = build_env(spec.env);
  auto argv = c_array(argv_s);
  auto envp = c_array(env_s);
  pid_t pid = -1;
  const auto start = Clock::now();
  const bool search = spec.argv[0].find('/') == std::string::npos;
  const int rc = search ? ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data())
                        : ::posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return make_error("cannot run " + spec.argv[0] + ": " + std::strerror(rc));
  out.close_w();
  err.close_w();
  ::fcntl(out.r, F_SETFL, O_NONBLOCK);
  if (err.r >= 0) ::fcntl(err.r, F_SETFL, O_NONBLOCK);

  HeadTail out_buf(spec.head_bytes, spec.tail_bytes, spec.redact),
      err_buf(spec.head_bytes, spec.tail_bytes, spec.redact);
  bool out_open = true, err_open = err.r >= 0;
  Spawned result;
  int status = 0;
  bool exited = false;
  const auto deadline = start + spec.timeout;
  Clock::time_point kill_at{};  // when SIGKILL follows the SIGTERM
  bool terminating = false;

  auto read_some = [&](int wait_ms) {
    pollfd fds[2];
    int n = 0;
    if (out_open) fds[n++] = {out.r, POLLIN, 0};
    if (err_open) fds[n++] = {err.r, POLLIN, 0};
    if (n == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
      return;
    }
    if (::poll(fds, static_cast<nfds_t>(n), wait_ms) <= 0) return;
    for (int i = 0; i < n; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      if (fds[i].fd == out.r)
        out_open = drain(out.r, out_buf);
      else
        err_open = drain(err.r, err_buf);
    }
  };

  while (!exited) {
    const pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) {
      exited = true;
      break;
    }
    const auto now = Clock::now();
    if (!terminating && (now >= deadline || hard_stop_requested())) {
      (now >= deadline ? result.timed_out : result.cancelled) = true;
      ::kill(-pid, SIGTERM);
      terminating = true;
      kill_at = now + spec.kill_grace;
    } else if (terminating && now >= kill_at) {
      ::kill(-pid, SIGKILL);
      kill_at = Clock::time_point::max();
    }
    read_some(out_open || err_open ? 50 : 20);
  }
  // The command is gone; what it left behind may still hold the pipe. Take what comes
  // within a short window, then stop listening (never wait for a daemon it started).
  const auto drain_until = Clock::now() + std::chrono::milliseconds(200);
  while ((out_open || err_open) && Clock::now() < drain_until) read_some(20);

  result.elapsed = std::chrono::duration_cast<Duration>(Clock::now() - start);
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.term_signal = WTERMSIG(status);
  }
  result.out = out_buf.str();
  result.err = err_buf.str();
  return result;
}

Result<RunOutcome> RealProcessControl::run(const runbook::RunStep& step) {
  SpawnSpec spec;
  if (!step.shell.empty())
    spec.argv = {"/bin/sh", "-c", step.shell};
  else
    spec.argv = step.argv;
  spec.env = step.env;
  spec.cwd = step.cwd;
  spec.timeout = step.timeout;
  spec.redact = true;  // the output is for people and the journal, never parsed
  auto spawned = spawn_capture(spec);
  if (!spawned) return spawned.error();
  RunOutcome outcome;
  outcome.exit_code = spawned->timed_out || spawned->cancelled ? -1 : spawned->exit_code;
  outcome.timed_out = spawned->timed_out;
  outcome.cancelled = spawned->cancelled;
  outcome.output = printable(spawned->out);
  outcome.elapsed = spawned->elapsed;
  if (spawned->term_signal && !spawned->timed_out && !spawned->cancelled) {
    if (!outcome.output.empty() && outcome.output.back() != '\n') outcome.output += '\n';
    outcome.output += "[killed by signal " + std::to_string(spawned->term_signal) + " (" +
                      ::strsignal(spawned->term_signal) + ")]\n";
  }
  return outcome;
}

}  // namespace rollout::providers
