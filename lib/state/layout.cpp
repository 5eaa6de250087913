// State directory layout: where each file lives and which ones rollout trusts.
#include "state/layout.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace rollout::state {

namespace fs = std::filesystem;

std::string rollout_dir(const std::string& state_dir, const std::string& name, bool dry_run) {
  return (fs::path(state_dir) / state_name(name, dry_run)).string();
}

std::string control_dir(const std::string& dir) {
  return (fs::path(dir) / "control").string();
}

namespace {

// Another user's file, or one others may write, may say anything. The message says what is
// wrong; the caller says what it does about it (a run refuses, status and report warn).
Result<void> check_owner(const std::string& path, const struct stat& st) {
  if (st.st_uid != ::geteuid())
    return make_error(fmt::format("{} is owned by uid {}, not by this user (uid {})", path,
                                  st.st_uid, ::geteuid()));
  if ((st.st_mode & 022) != 0)
    return make_error(
        fmt::format("{} is writable by group or others (mode {:04o}): "
                    "`chmod go-w {}` if it is yours",
                    path, st.st_mode & 07777, path));
  return {};
}

}  // namespace

Result<void> ensure_private_dir(const std::string& path) {
  std::error_code ec;
  fs::path p(path);
  if (!fs::exists(p, ec)) {
    fs::path parent = p.parent_path();
    if (!parent.empty() && !fs::exists(parent, ec)) {
      if (auto r = ensure_private_dir(parent.string()); !r) return r;
    }
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
      return make_error(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
  }
  if (!fs::is_directory(p, ec)) return make_error(path + " is not a directory");
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return make_error(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  if (auto r = check_owner(path, st); !r) return r;
  if ((st.st_mode & 077) != 0) ::chmod(path.c_str(), 0700);
  return {};
}

Result<void> check_private(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};
    return make_error(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  }
  if (S_ISLNK(st.st_mode))
    return make_error(fmt::format("{} is a symbolic link: refusing to use it", path));
  return check_owner(path, st);
}

Result<void> check_rollout_files(const std::string& dir) {
  // The state directory first: whoever may write it may replace the rollout's directory.
  // It may be a symbolic link (the operator chose that path): its target is checked. A
  // sticky directory (like /tmp) lets no one else rename or remove what is ours in it.
  const std::string state_dir = fs::path(dir).parent_path().string();
  struct stat st {};
  if (!state_dir.empty() && ::stat(state_dir.c_str(), &st) == 0 && (st.st_mode & S_ISVTX) == 0)
    if (auto r = check_owner(state_dir, st); !r) return r;
  if (auto r = check_private(dir); !r) return r;
  for (const char* name :
       {"lock", "journal.jsonl", "state.json", "runbook.toml", "scenario.toml", "control"}) {
    if (auto r = check_private((fs::path(dir) / name).string()); !r) return r;
  }
  return {};
}

std::vector<std::string> list_rollouts(const std::string& state_dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(state_dir, ec)) {
    if (!entry.is_directory(ec)) continue;
    if (fs::exists(entry.path() / "journal.jsonl", ec) ||
        fs::exists(entry.path() / "state.json", ec))
      out.push_back(entry.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::string> pick_rollout(const std::string& state_dir, const std::string& name) {
  if (!name.empty()) {
    if (name.find('/') != std::string::npos || name == "." || name == "..")
      return make_error("bad rollout name '" + name + "'");
    return name;
  }
  const auto all = list_rollouts(state_dir);
  std::vector<std::string> real;
  for (const auto& n : all)
    if (!is_dry_run_name(n)) real.push_back(n);
  const auto& pool = real.empty() ? all : real;
  if (pool.size() == 1) return pool.front();
  if (pool.empty())
    return make_error("no rollout in " + state_dir + " (use --state-dir, or start one)");
  std::string names;
  for (const auto& n : pool) names += (names.empty() ? "" : ", ") + n;
  return make_error(fmt::format("{} holds several rollouts ({}): name one", state_dir, names));
}

}  // namespace rollout::state
