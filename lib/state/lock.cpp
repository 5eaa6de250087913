// flock-based rollout lock and its holder record.
#include "state/lock.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace rollout::state {

namespace {

std::string now_iso() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

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

}  // namespace

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
  h.started = now_iso();
  return h;
}

nlohmann::json LockHolder::to_json() const {
  return {{"pid", pid}, {"host", host}, {"user", user}, {"command", command}, {"started", started}};
}

LockHolder LockHolder::from_json(const nlohmann::json& j) {
  LockHolder h;
  if (!j.is_object()) return h;
  h.pid = j.value("pid", 0);
  h.host = j.value("host", std::string());
  h.user = j.value("user", std::string());
  h.command = j.value("command", std::string());
  h.started = j.value("started", std::string());
  return h;
}

std::string LockHolder::describe() const {
  return fmt::format("pid {} on {} by {} since {}: {}", pid, host.empty() ? "?" : host,
                     user.empty() ? "?" : user, started.empty() ? "?" : started,
                     command.empty() ? "?" : command);
}

RolloutLock::RolloutLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}

RolloutLock::~RolloutLock() {
  if (fd_ >= 0) {
    // Leave the file (others may have it open); empty it so it names no one.
    if (::ftruncate(fd_, 0) != 0) { /* nothing more to do */
    }
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
}

RolloutLock::Attempt RolloutLock::acquire(const std::string& dir, const LockHolder& me) {
  Attempt a;
  const std::string path = (std::filesystem::path(dir) / "lock").string();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    a.error = fmt::format("cannot open {}: {}", path, std::strerror(errno));
    return a;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    if (err == EWOULDBLOCK) {
      // The holder writes its record right after locking; give it a moment if empty.
      std::string content = read_all(fd);
      for (int i = 0; i < 20 && content.empty(); ++i) {
        ::usleep(10'000);
        content = read_all(fd);
      }
      auto j = nlohmann::json::parse(content, nullptr, false);
      a.holder = LockHolder::from_json(j.is_discarded() ? nlohmann::json::object() : j);
    } else {
      a.error = fmt::format("cannot lock {}: {}", path, std::strerror(err));
    }
    ::close(fd);
    return a;
  }
  const std::string content = me.to_json().dump() + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, content.data(), content.size(), 0) < 0) {
    a.error = fmt::format("cannot write {}: {}", path, std::strerror(errno));
    ::close(fd);
    return a;
  }
  ::fsync(fd);
  a.lock.reset(new RolloutLock(fd, path));
  return a;
}

Result<void> RolloutLock::verify() const {
  return {};
}

std::optional<LockHolder> lock_holder(const std::string& dir) {
  const std::string path = (std::filesystem::path(dir) / "lock").string();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  if (::flock(fd, LOCK_SH | LOCK_NB) == 0) {
    ::flock(fd, LOCK_UN);
    ::close(fd);
    return std::nullopt;
  }
  std::string content = read_all(fd);
  for (int i = 0; i < 20 && content.empty(); ++i) {
    ::usleep(10'000);
    content = read_all(fd);
  }
  ::close(fd);
  auto j = nlohmann::json::parse(content, nullptr, false);
  return LockHolder::from_json(j.is_discarded() ? nlohmann::json::object() : j);
}

}  // namespace rollout::state
