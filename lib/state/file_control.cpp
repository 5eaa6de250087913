// File, signal and terminal requests.
#include "state/file_control.hpp"

#include <poll.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "state/layout.hpp"
#include "state/signals.hpp"

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

FileControlChannel::FileControlChannel(std::string control_dir, bool watch_stdin)
    : dir_(std::move(control_dir)), stdin_(watch_stdin) {}

std::optional<ControlRequest> FileControlChannel::poll() {
  if (int sig = take_interrupt()) {
    return ControlRequest{ControlRequest::Kind::interrupt, interrupt_name(sig), ""};
  }
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f);
    std::stringstream ss;
    ss << in.rdbuf();
    in.close();
    fs::remove(f, ec);
    auto j = nlohmann::json::parse(ss.str(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) continue;
    const std::string kind = j.value("kind", std::string());
    ControlRequest r;
    if (kind == "advance")
      r.kind = ControlRequest::Kind::advance;
    else if (kind == "abort")
      r.kind = ControlRequest::Kind::abort;
    else
      continue;
    r.by = j.value("by", std::string("?"));
    r.reason = j.value("reason", std::string());
    return r;
  }
  if (stdin_) return from_stdin();
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

Result<std::string> write_request(const std::string& control_dir, const ControlRequest& request) {
  if (auto r = ensure_private_dir(control_dir); !r) return r.error();
  const char* kind = request.kind == ControlRequest::Kind::advance ? "advance"
                     : request.kind == ControlRequest::Kind::abort ? "abort"
                                                                   : "interrupt";
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  const std::string name = fmt::format("{:015}-{}-{}.json", ms, ::getpid(), kind);
  const std::string path = (fs::path(control_dir) / name).string();
  nlohmann::json j = {{"kind", kind}, {"by", request.by}, {"reason", request.reason}};
  // Written under a name the runner ignores, then renamed into place.
  const std::string tmp = path + ".part";
  if (auto r = write_file_atomic(tmp, j.dump() + "\n"); !r) return r.error();
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return make_error("cannot record the request: " + ec.message());
  return path;
}

}  // namespace rollout::state
