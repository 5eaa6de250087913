// The file-backed state store.
#include "state/file_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "state/layout.hpp"

namespace rollout::state {

namespace fs = std::filesystem;

FileStateStore::FileStateStore(std::string dir, bool durable)
    : dir_(std::move(dir)), durable_(durable) {}

FileStateStore::~FileStateStore() {
  if (fd_ >= 0) ::close(fd_);
}

Result<void> FileStateStore::append(const nlohmann::json& record, bool sync) {
  std::lock_guard lock(mu_);
  if (fd_ < 0) {
    const std::string path = (fs::path(dir_) / "journal.jsonl").string();
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd_ < 0) return make_error(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  }
  // One write per line: O_APPEND keeps a line whole even if status reads concurrently.
  std::string line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line += '\n';
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const auto err = make_error(fmt::format("journal write failed: {}", std::strerror(errno)));
      if (!warned_) std::fprintf(stderr, "rollout: warning: %s\n", err.message.c_str());
      warned_ = true;
      return err;
    }
    done += static_cast<std::size_t>(n);
  }
  if (sync && durable_ && ::fdatasync(fd_) != 0)
    return make_error(fmt::format("journal fsync failed: {}", std::strerror(errno)));
  return {};
}

Result<std::vector<nlohmann::json>> FileStateStore::journal() const {
  const std::string path = (fs::path(dir_) / "journal.jsonl").string();
  std::ifstream in(path);
  std::vector<nlohmann::json> out;
  if (!in) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return out;
    return make_error("cannot read " + path);
  }
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    // A line cut short by a crash is skipped; the lines before it are the truth.
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded()) out.push_back(std::move(j));
  }
  return out;
}

Result<void> FileStateStore::save_state(const nlohmann::json& state) {
  std::lock_guard lock(mu_);
  return write_file_atomic((fs::path(dir_) / "state.json").string(), state.dump(2) + "\n",
                           durable_);
}

Result<std::optional<nlohmann::json>> FileStateStore::load_state() const {
  const std::string path = (fs::path(dir_) / "state.json").string();
  std::ifstream in(path);
  if (!in) return std::optional<nlohmann::json>();
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded()) return make_error(path + " is not valid JSON");
  return std::optional<nlohmann::json>(std::move(j));
}

Result<void> FileStateStore::trusted() const {
  if (lock_check_) return lock_check_();
  return {};
}

Result<void> FileStateStore::archive(const std::string& stamp) {
  std::lock_guard lock(mu_);
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  for (const char* name : {"journal.jsonl", "state.json"}) {
    const fs::path from = fs::path(dir_) / name;
    std::error_code ec;
    if (!fs::exists(from, ec)) continue;
    const std::string stem = from.stem().string(), ext = from.extension().string();
    const fs::path to = fs::path(dir_) / "history" / (stem + "." + stamp + ext);
    if (auto r = ensure_private_dir(to.parent_path().string()); !r) return r;
    fs::rename(from, to, ec);
    if (ec) return make_error(fmt::format("cannot move {} aside: {}", from.string(), ec.message()));
  }
  return {};
}

}  // namespace rollout::state
