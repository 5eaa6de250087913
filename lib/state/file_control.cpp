// File, signal and terminal requests.
#include "state/file_control.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/atomic_file.hpp"
#include "os/signals.hpp"
#include "state/layout.hpp"

namespace rollout::state {

namespace fs = std::filesystem;

std::string whoami() {
  std::string user;
  if (const passwd* pw = ::getpwuid(::geteuid()))
    user = pw->pw_name;
  else if (const char* u = std::getenv("USER"))
    user = u;
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  return (user.empty() ? "?" : user) + "@" + host;
}

FileControlChannel::FileControlChannel(std::string control_dir, bool watch_stdin, std::string run)
    : dir_(std::move(control_dir)), stdin_(watch_stdin), run_(std::move(run)) {
  // What a previous run left is reported and dropped now, before any step runs.
  if (!run_.empty()) from_files(false);
}

std::string discarded_path(const std::string& request_path) {
  return request_path + ".discarded";
}

void FileControlChannel::discard(const std::string& claim, const std::string& path,
                                 const std::string& why) {
  ++discarded_;
  std::error_code ec;
  fs::rename(claim, discarded_path(path), ec);
  if (ec) fs::remove(claim, ec);
  std::fprintf(stderr, "rollout: warning: request %s discarded: %s\n",
               fs::path(path).filename().c_str(), why.c_str());
}

std::optional<ControlRequest> FileControlChannel::poll() {
  if (int sig = os::take_interrupt()) {
    return ControlRequest{ControlRequest::Kind::interrupt, os::interrupt_name(sig), ""};
  }
  if (auto r = from_files(true)) return r;
  if (stdin_) return from_stdin();
  return std::nullopt;
}

// Takes the oldest request for this run (`take`), or only discards the others. A file is
// claimed by renaming it first: the shell that wrote it can withdraw it (unlink) until then,
// and never both withdraws it and sees it acted on.
std::optional<ControlRequest> FileControlChannel::from_files(bool take) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    const std::string path = f.string();
    const std::string claim = path + ".taking";
    if (::rename(path.c_str(), claim.c_str()) != 0) continue;  // withdrawn meanwhile
    const int fd = ::open(claim.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
      discard(claim, path, "cannot be opened (a symbolic link?)");
      continue;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() ||
        (st.st_mode & 022) != 0 || st.st_size > 64 * 1024) {
      ::close(fd);
      discard(claim, path, "not a private file of this user");
      continue;
    }
    std::string content(static_cast<std::size_t>(st.st_size), '\0');
    const ssize_t n = ::read(fd, content.data(), content.size());
    ::close(fd);
    content.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    auto j = nlohmann::json::parse(content, nullptr, false);
    const std::string kind = j.is_object() ? j.value("kind", std::string()) : std::string();
    if (kind != "advance" && kind != "abort") {
      discard(claim, path, "not a request rollout understands");
      continue;
    }
    ControlRequest r;
    r.kind = kind == "advance" ? ControlRequest::Kind::advance : ControlRequest::Kind::abort;
    r.by = j.value("by", std::string("?"));
    r.reason = j.value("reason", std::string());
    const std::string run = j.value("run", std::string());
    if (!run_.empty() && run != run_) {
      discard(claim, path,
              fmt::format("{} from {} was for run {}, not this one ({})", kind, r.by,
                          run.empty() ? "(none)" : run, run_));
      continue;
    }
    if (!take) {
      fs::rename(claim, path, ec);  // for this run: left for the engine's first poll
      continue;
    }
    fs::remove(claim, ec);
    return r;
  }
  return std::nullopt;
}

std::optional<ControlRequest> FileControlChannel::from_stdin() {
  pollfd p{0, POLLIN, 0};
  while (::poll(&p, 1, 0) > 0 && (p.revents & POLLIN)) {
    char buf[256];
    const ssize_t n = ::read(0, buf, sizeof buf);
    if (n <= 0) {
      stdin_ = false;  // closed: stop watching
      break;
    }
    partial_.append(buf, static_cast<std::size_t>(n));
  }
  const auto nl = partial_.find('\n');
  if (nl == std::string::npos) return std::nullopt;
  std::string line = partial_.substr(0, nl);
  partial_.erase(0, nl + 1);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  if (line == "a" || line == "advance" || line == "y" || line == "yes")
    return ControlRequest{ControlRequest::Kind::advance, whoami() + " (terminal)", ""};
  if (line == "abort")
    return ControlRequest{ControlRequest::Kind::abort, whoami() + " (terminal)",
                          "typed on the terminal"};
  return std::nullopt;
}

Result<std::string> write_request(const std::string& control_dir, const ControlRequest& request,
                                  const std::string& run) {
  if (auto r = ensure_private_dir(control_dir); !r) return r.error();
  const char* kind = request.kind == ControlRequest::Kind::advance ? "advance"
                     : request.kind == ControlRequest::Kind::abort ? "abort"
                                                                   : "interrupt";
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  const std::string name = fmt::format("{:015}-{}-{}.json", ms, ::getpid(), kind);
  const std::string path = (fs::path(control_dir) / name).string();
  nlohmann::json j = {{"kind", kind}, {"by", request.by}, {"reason", request.reason}, {"run", run}};
  // Written under a name the runner ignores, then renamed into place.
  const std::string tmp = path + ".part";
  if (auto r = write_file_atomic(tmp, j.dump() + "\n"); !r) return r.error();
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return make_error("cannot record the request: " + ec.message());
  return path;
}

}  // namespace rollout::state
