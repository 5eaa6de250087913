// flock-based rollout lock, its holder record, and who holds it according to the kernel.
#include "state/lock.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "core/utc_time.hpp"
#include "state/layout.hpp"

namespace rollout::state {

namespace {

std::string own_command() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (auto& c : raw)
    if (c == '\0') c = ' ';
  while (!raw.empty() && raw.back() == ' ') raw.pop_back();
  return raw;
}

std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  ::lseek(fd, 0, SEEK_SET);
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

// 64 random bits as hex: tells one run of a rollout from the next.
std::string new_run_id() {
  unsigned char b[8] = {0};
  const int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  bool got = false;
  if (fd >= 0) {
    got = ::read(fd, b, sizeof b) == static_cast<ssize_t>(sizeof b);
    ::close(fd);
  }
  if (!got) {
    std::random_device rd;
    for (auto& c : b) c = static_cast<unsigned char>(rd());
  }
  std::string out;
  for (unsigned char c : b) out += fmt::format("{:02x}", c);
  return out;
}

// The descriptor and the path name the same file (device and inode); the path is not
// followed: a symlink put in its place is another file.
bool same_file(int fd, const std::string& path) {
  struct stat a {
  }, b{};
  if (::fstat(fd, &a) != 0 || ::lstat(path.c_str(), &b) != 0) return false;
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

std::optional<LockHolder> read_record(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  // The holder writes its record right after locking; give it a moment if empty.
  std::string content = read_all(fd);
  for (int i = 0; i < 20 && content.empty(); ++i) {
    ::usleep(10'000);
    content = read_all(fd);
  }
  ::close(fd);
  auto j = nlohmann::json::parse(content, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return LockHolder::from_json(j);
}

// The record, with the pid the kernel names (the record's own claim is only reported).
LockHolder holder_of(const std::string& dir) {
  const std::string file = (std::filesystem::path(dir) / "lock").string();
  std::vector<int> pids = flock_holders(dir);
  for (int p : flock_holders(file)) pids.push_back(p);
  int kernel_pid = 0;
  for (int p : pids)
    if (p > 0) {
      kernel_pid = p;
      break;
    }
  LockHolder h = read_record(file).value_or(LockHolder{});
  if (h.pid != kernel_pid) h.claimed_pid = h.pid;
  h.pid = kernel_pid;
  return h;
}

bool proc_locks_readable() {
  return ::access("/proc/locks", R_OK) == 0;
}

// Somebody holds an flock on `path` (probed with a shared lock: may race a starter).
bool probe_locked(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | flags);
  if (fd < 0) return false;
  const bool locked = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return locked;
}

}  // namespace

std::vector<int> flock_holders(const std::string& path) {
  std::vector<int> out;
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return out;
  const std::string want = fmt::format("{:02x}:{:02x}:{}", major(st.st_dev), minor(st.st_dev),
                                       static_cast<unsigned long>(st.st_ino));
  std::ifstream in("/proc/locks");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string x; words >> x;) w.push_back(x);
    // "1: FLOCK  ADVISORY  WRITE 1234 fe:00:10953329 0 EOF"; "1: -> FLOCK ..." waits.
    if (w.size() < 6 || w[1] != "FLOCK" || w[5] != want) continue;
    out.push_back(std::atoi(w[4].c_str()));
  }
  return out;
}

LockHolder LockHolder::self() {
  LockHolder h;
  h.pid = static_cast<int>(::getpid());
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) == 0) h.host = host;
  if (const passwd* pw = ::getpwuid(::geteuid()))
    h.user = pw->pw_name;
  else if (const char* u = std::getenv("USER"))
    h.user = u;
  h.command = own_command();
  h.started = utc_iso8601(std::chrono::system_clock::now());
  h.run = new_run_id();
  return h;
}

nlohmann::json LockHolder::to_json() const {
  return {{"pid", pid},         {"host", host},       {"user", user},
          {"command", command}, {"started", started}, {"run", run}};
}

LockHolder LockHolder::from_json(const nlohmann::json& j) {
  LockHolder h;
  if (!j.is_object()) return h;
  h.pid = j.value("pid", 0);
  h.host = j.value("host", std::string());
  h.user = j.value("user", std::string());
  h.command = j.value("command", std::string());
  h.started = j.value("started", std::string());
  h.run = j.value("run", std::string());
  return h;
}

std::string LockHolder::describe() const {
  const std::string who = pid > 0 ? fmt::format("pid {}", pid) : std::string("a process");
  if (host.empty() && user.empty() && command.empty() && started.empty())
    return who + " (no lock record)";
  return fmt::format("{} on {} by {} since {}: {}{}", who, host.empty() ? "?" : host,
                     user.empty() ? "?" : user, started.empty() ? "?" : started,
                     command.empty() ? "?" : command,
                     claimed_pid > 0 && claimed_pid != pid
                         ? fmt::format(" (its lock record names pid {})", claimed_pid)
                         : "");
}

RolloutLock::RolloutLock(int dir_fd, int fd, std::string dir, std::string path, LockHolder me)
    : dir_fd_(dir_fd), fd_(fd), dir_(std::move(dir)), path_(std::move(path)), me_(std::move(me)) {}

RolloutLock::~RolloutLock() {
  if (fd_ >= 0) {
    // Leave the file (others may have it open); empty it so it names no one. Only while
    // it is still ours at its path: a replacement belongs to someone else.
    if (same_file(fd_, path_) && ::ftruncate(fd_, 0) != 0) { /* nothing more to do */
    }
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
  if (dir_fd_ >= 0) {
    ::flock(dir_fd_, LOCK_UN);
    ::close(dir_fd_);
  }
}

RolloutLock::Attempt RolloutLock::acquire(const std::string& dir, const LockHolder& me) {
  Attempt a;
  const std::string path = (std::filesystem::path(dir) / "lock").string();
  if (auto r = check_rollout_files(dir); !r) {
    a.error = r.error().message;
    return a;
  }
  // The directory's flock first: it stays put when the lock file is deleted or replaced.
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir_fd < 0) {
    a.error = fmt::format("cannot open {}: {}", dir, std::strerror(errno));
    return a;
  }
  // A flock that fails: another process holds it (who, from its record) or an error.
  const auto not_locked = [&](const std::string& what, int err) {
    if (err == EWOULDBLOCK)
      a.holder = holder_of(dir);
    else
      a.error = fmt::format("cannot lock {}: {}", what, std::strerror(err));
  };
  // A holder that exits between our flock and our look at /proc/locks names nobody: it is
  // gone, so try again (a few times, then report what we saw).
  for (int tries = 0; ::flock(dir_fd, LOCK_EX | LOCK_NB) != 0; ++tries) {
    const int err = errno;
    if (err == EWOULDBLOCK && tries < 3 && proc_locks_readable() && flock_holders(dir).empty() &&
        flock_holders(path).empty()) {
      ::usleep(20'000);
      continue;
    }
    ::close(dir_fd);
    not_locked(dir, err);
    return a;
  }
  int fd = -1;
  bool read_only = false;
  for (int tries = 0;; ++tries) {
    fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EROFS) {
      // A read-only state directory: flock needs no write, so the lock is still taken and
      // an abort can still roll back (it says what it could not record); the holder record
      // cannot be written (the pid comes from /proc/locks anyway).
      fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      read_only = fd >= 0;
    }
    if (fd < 0) {
      a.error = fmt::format("cannot open {}: {}", path, std::strerror(errno));
      ::close(dir_fd);
      return a;
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      ::close(fd);
      ::close(dir_fd);
      not_locked(path, err);
      return a;
    }
    // Locked a file that is no longer at the path (deleted or replaced meanwhile): the
    // lock would protect nothing. Try the new one.
    if (same_file(fd, path)) break;
    ::close(fd);
    if (tries == 5) {
      a.error = fmt::format("cannot lock {}: it keeps being replaced", path);
      ::close(dir_fd);
      return a;
    }
  }
  const std::string content = me.to_json().dump() + "\n";
  if (!read_only &&
      (::ftruncate(fd, 0) != 0 || ::pwrite(fd, content.data(), content.size(), 0) < 0)) {
    a.error = fmt::format("cannot write {}: {}", path, std::strerror(errno));
    ::close(fd);
    ::close(dir_fd);
    return a;
  }
  ::fsync(fd);
  a.lock.reset(new RolloutLock(dir_fd, fd, dir, path, me));
  return a;
}

Result<void> RolloutLock::verify() const {
  if (!same_file(fd_, path_))
    return make_error(fmt::format(
        "lost the lock: {} was removed or replaced, so another process could run this rollout",
        path_));
  if (!same_file(dir_fd_, dir_))
    return make_error(
        fmt::format("lost the lock: {} was moved or replaced under this process", dir_));
  return {};
}

std::optional<LockHolder> lock_holder(const std::string& dir) {
  const std::string file = (std::filesystem::path(dir) / "lock").string();
  if (proc_locks_readable()) {
    if (flock_holders(dir).empty() && flock_holders(file).empty()) return std::nullopt;
  } else if (!probe_locked(dir, O_DIRECTORY) && !probe_locked(file, 0)) {
    return std::nullopt;
  }
  return holder_of(dir);
}

}  // namespace rollout::state
