// The state directory is not trusted blindly: other users' or group/other-writable
// directories are refused, and so are symbolic links.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

#include "state/layout.hpp"

namespace fs = std::filesystem;
using namespace rollout;

namespace {
std::string temp_dir() {
  char tmpl[] = "/tmp/rollout-layout-XXXXXX";
  return ::mkdtemp(tmpl);
}
}  // namespace

TEST_CASE("a state directory writable by others is refused, one readable by others tightened") {
  const std::string dir = temp_dir();
  REQUIRE(::chmod(dir.c_str(), 0777) == 0);
  auto r = state::ensure_private_dir(dir);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("writable by group or others (mode 0777)") != std::string::npos);
  REQUIRE(::chmod(dir.c_str(), 0755) == 0);
  CHECK(state::ensure_private_dir(dir).ok());
  struct stat st {};
  REQUIRE(::stat(dir.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  fs::remove_all(dir);
}

TEST_CASE("a state directory owned by another user is refused") {
  if (::geteuid() != 0) return;  // chown needs root
  const std::string dir = temp_dir();
  REQUIRE(::chown(dir.c_str(), 65534, 65534) == 0);
  auto r = state::ensure_private_dir(dir);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("owned by uid 65534") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("check_rollout_files refuses symlinks and group-writable files") {
  const std::string dir = temp_dir();
  CHECK(state::check_rollout_files(dir).ok());
  { std::ofstream(dir + "/elsewhere") << "x\n"; }
  fs::create_symlink(dir + "/elsewhere", dir + "/state.json");
  auto r = state::check_rollout_files(dir);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("state.json is a symbolic link") != std::string::npos);
  fs::remove(dir + "/state.json");
  { std::ofstream(dir + "/journal.jsonl") << "{}\n"; }
  REQUIRE(::chmod((dir + "/journal.jsonl").c_str(), 0664) == 0);
  CHECK_FALSE(state::check_rollout_files(dir).ok());
  fs::remove_all(dir);
}
