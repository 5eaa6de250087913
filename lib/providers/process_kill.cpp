// Killing processes for `kill` steps: match by pidfile, exact name or command-line
// substring, signal, wait the grace, SIGKILL what is left, wait until gone. Never
// rollout itself, its ancestors (its parent, the shell or CI job that started it) or pid 1,
// and nothing at all when more processes match than the step allows (max_processes).
#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "core/printable.hpp"
#include "providers/process.hpp"

namespace rollout::providers {

namespace {

using Clock = std::chrono::steady_clock;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct ProcStat {
  char state = '?';
  int ppid = 0;
  unsigned long long starttime = 0;  // identifies the process across pid reuse
};

std::optional<ProcStat> proc_stat(int pid) {
  const std::string text = read_file("/proc/" + std::to_string(pid) + "/stat");
  const auto close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream in(text.substr(close + 1));
  ProcStat st;
  std::string field;
  in >> st.state >> st.ppid;
  // Fields after ppid up to starttime (field 22 of stat; we are at field 4).
  for (int i = 5; i < 22 && in >> field; ++i) {
  }
  in >> st.starttime;
  if (!in) return std::nullopt;
  return st;
}

std::string proc_comm(int pid) {
  std::string comm = read_file("/proc/" + std::to_string(pid) + "/comm");
  while (!comm.empty() && comm.back() == '\n') comm.pop_back();
  return comm;
}

// Arguments joined by single spaces (the NULs of /proc/PID/cmdline become spaces).
std::string proc_cmdline(int pid) {
  std::string cmd = read_file("/proc/" + std::to_string(pid) + "/cmdline");
  while (!cmd.empty() && cmd.back() == '\0') cmd.pop_back();
  std::replace(cmd.begin(), cmd.end(), '\0', ' ');
  return cmd;
}

std::string basename_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The kernel keeps only 15 characters of a name in comm: a longer name matches when
// comm is its prefix and argv[0] or the executable is called exactly that.
bool name_matches(int pid, const std::string& name) {
  const std::string comm = proc_comm(pid);
  if (comm.empty()) return false;
  if (comm == name) return true;
  if (name.size() <= 15 || comm != name.substr(0, 15)) return false;
  std::string cmd = read_file("/proc/" + std::to_string(pid) + "/cmdline");
  const std::string argv0 = cmd.substr(0, cmd.find('\0'));
  if (basename_of(argv0) == name) return true;
  char exe[4096];
  const ssize_t n =
      ::readlink(("/proc/" + std::to_string(pid) + "/exe").c_str(), exe, sizeof exe - 1);
  return n > 0 && basename_of(std::string(exe, static_cast<std::size_t>(n))) == name;
}

std::vector<int> all_pids() {
  std::vector<int> pids;
  DIR* dir = ::opendir("/proc");
  if (!dir) return pids;
  while (dirent* e = ::readdir(dir)) {
    char* end = nullptr;
    const long pid = std::strtol(e->d_name, &end, 10);
    if (end && *end == '\0' && pid > 0) pids.push_back(static_cast<int>(pid));
  }
  ::closedir(dir);
  std::sort(pids.begin(), pids.end());
  return pids;
}

std::set<int> protected_pids() {
  std::set<int> out{1, static_cast<int>(::getpid())};
  int pid = static_cast<int>(::getppid());
  for (int depth = 0; pid > 1 && depth < 64; ++depth) {
    out.insert(pid);
    const auto st = proc_stat(pid);
    if (!st) break;
    pid = st->ppid;
  }
  return out;
}

struct Target {
  int pid;
  unsigned long long starttime;
};

// Gone: no such process, a zombie, or the pid now belongs to another process.
bool gone(const Target& t) {
  const auto st = proc_stat(t.pid);
  return !st || st->state == 'Z' || st->starttime != t.starttime;
}

std::string join_pids(const std::vector<int>& pids) {
  std::string out;
  for (int p : pids) out += (out.empty() ? "" : " ") + std::to_string(p);
  return out;
}

// Waits until every target is gone or the deadline passes; returns those left.
std::vector<Target> wait_gone(std::vector<Target> targets, Clock::time_point deadline) {
  for (;;) {
    std::erase_if(targets, gone);
    if (targets.empty() || Clock::now() >= deadline) return targets;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

std::optional<int> signal_from_name(const std::string& raw) {
  std::string name;
  for (char c : raw) name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (name.rfind("SIG", 0) == 0) name = name.substr(3);
  static const std::pair<const char*, int> table[] = {
      {"TERM", SIGTERM}, {"INT", SIGINT},   {"HUP", SIGHUP},  {"KILL", SIGKILL},
      {"QUIT", SIGQUIT}, {"USR1", SIGUSR1}, {"USR2", SIGUSR2}};
  for (const auto& [n, s] : table)
    if (name == n) return s;
  return std::nullopt;
}

Result<KillOutcome> RealProcessControl::kill(const runbook::KillStep& step) {
  const auto sig = signal_from_name(step.signal);
  if (!sig)
    return make_error("unknown signal \"" + step.signal +
                      "\" (TERM, INT, HUP, KILL, QUIT, USR1, USR2)");
  const int ways = !step.pidfile.empty() + !step.name.empty() + !step.pattern.empty();
  if (ways != 1) return make_error("kill needs exactly one of pidfile, name, pattern");
  if (!step.pattern.empty() && runbook::pattern_chars(step.pattern) < runbook::kShortestKillPattern)
    return make_error(fmt::format(
        "kill refused: pattern \"{}\" has fewer than {} characters besides blanks and would "
        "match processes it was not meant for; none signalled",
        printable(step.pattern), runbook::kShortestKillPattern));

  KillOutcome outcome;
  const std::set<int> keep = protected_pids();
  std::vector<int> candidates;
  std::string what;
  if (!step.pidfile.empty()) {
    what = "pidfile " + step.pidfile;
    std::ifstream in(step.pidfile);
    if (!in) {
      outcome.detail = "no process matched: " + what + " not found";
      return outcome;
    }
    long pid = 0;
    if (!(in >> pid) || pid <= 0 || pid > 0x3fffffff)
      return make_error(what + ": does not hold a process id");
    candidates.push_back(static_cast<int>(pid));
  } else {
    what = !step.name.empty() ? "name \"" + step.name + "\""
                              : "command line containing \"" + step.pattern + "\"";
    for (int pid : all_pids()) {
      if (keep.contains(pid)) continue;
      if (!step.name.empty() ? name_matches(pid, step.name)
                             : proc_cmdline(pid).find(step.pattern) != std::string::npos)
        candidates.push_back(pid);
    }
  }

  // A pattern too broad (" " matches every process with an argument) is refused before
  // anything is signalled: the limit counts live processes, not stale pids.
  std::erase_if(candidates, [&](int pid) {
    if (keep.contains(pid)) return false;  // reported below, never signalled
    const auto st = proc_stat(pid);
    return !st || st->state == 'Z';
  });
  if (static_cast<long>(candidates.size()) > std::max(1, step.max_processes)) {
    std::string list;
    constexpr std::size_t kListed = 10;
    for (std::size_t i = 0; i < candidates.size() && i < kListed; ++i)
      list += (i ? "; " : "") + std::to_string(candidates[i]) + " " +
              excerpt(proc_cmdline(candidates[i]), 80);
    if (candidates.size() > kListed)
      list += "; and " + std::to_string(candidates.size() - kListed) + " more";
    return make_error("kill refused: " + std::to_string(candidates.size()) + " processes match " +
                      what + " (more than max_processes = " + std::to_string(step.max_processes) +
                      "), none signalled: " + list);
  }

  std::vector<Target> targets;
  std::vector<std::string> problems;
  for (int pid : candidates) {
    if (keep.contains(pid)) {
      problems.push_back("refused to signal pid " + std::to_string(pid) +
                         " (rollout itself, an ancestor or init)");
      outcome.survivors.push_back(pid);
      continue;
    }
    const auto st = proc_stat(pid);
    if (!st || st->state == 'Z') continue;  // already gone (a stale pidfile)
    if (::kill(pid, *sig) != 0) {
      if (errno == ESRCH) continue;
      problems.push_back("pid " + std::to_string(pid) + ": " + std::strerror(errno));
      outcome.survivors.push_back(pid);
      continue;
    }
    outcome.matched.push_back(pid);
    targets.push_back({pid, st->starttime});
  }
  if (outcome.matched.empty() && outcome.survivors.empty()) {
    outcome.detail = "no process matched " + what;
    if (!problems.empty()) outcome.detail += "; " + problems.front();
    return outcome;
  }

  auto left = targets;
  if (*sig != SIGKILL) left = wait_gone(std::move(left), Clock::now() + step.grace);
  for (const auto& t : left) {
    if (::kill(t.pid, SIGKILL) == 0) outcome.forced.push_back(t.pid);
  }
  // SIGKILL cannot be refused; a process stuck in the kernel (D state) may still take a while.
  left = wait_gone(std::move(left), Clock::now() + std::chrono::seconds(5));
  for (const auto& t : left) outcome.survivors.push_back(t.pid);

  std::string detail = "signalled " + std::to_string(outcome.matched.size()) + " process" +
                       (outcome.matched.size() == 1 ? "" : "es") + " matching " + what +
                       " with SIG" + ::sigabbrev_np(*sig) + ": " + join_pids(outcome.matched);
  if (!outcome.forced.empty()) detail += "; SIGKILL after the grace: " + join_pids(outcome.forced);
  if (!outcome.survivors.empty()) detail += "; still running: " + join_pids(outcome.survivors);
  for (const auto& p : problems) detail += "; " + p;
  outcome.detail = detail;
  return outcome;
}

}  // namespace rollout::providers
