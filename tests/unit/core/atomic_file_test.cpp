// Tests for core/atomic_file: a write replaces the whole file with mode 0600 and never
// follows a symbolic link planted at its temporary name.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <doctest/doctest.h>

#include "core/atomic_file.hpp"

namespace fs = std::filesystem;
using namespace rollout;

namespace {
std::string temp_dir() {
  char tmpl[] = "/tmp/rollout-atomic-XXXXXX";
  return ::mkdtemp(tmpl);
}
std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

TEST_CASE("an atomic write replaces the file, mode 0600, and leaves no temporary behind") {
  const std::string dir = temp_dir();
  const std::string path = dir + "/report.md";
  { std::ofstream(path) << "old and longer\n"; }
  for (bool sync : {true, false}) {
    REQUIRE(write_file_atomic(path, "new\n", sync).ok());
    CHECK(slurp(path) == "new\n");
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0600);
    CHECK_FALSE(fs::exists(path + ".tmp." + std::to_string(::getpid())));
  }
  fs::remove_all(dir);
}

TEST_CASE("an atomic write into a missing directory is an error naming the file") {
  auto r = write_file_atomic("/nonexistent-rollout-dir/state.json", "{}\n");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("/nonexistent-rollout-dir/state.json.tmp.") != std::string::npos);
}

TEST_CASE("an atomic write does not follow a symlink planted at its temporary name") {
  const std::string dir = temp_dir();
  const std::string victim = dir + "/victim";
  { std::ofstream(victim) << "precious\n"; }
  const std::string path = dir + "/state.json";
  fs::create_symlink(victim, path + ".tmp." + std::to_string(::getpid()));
  CHECK_FALSE(write_file_atomic(path, "{}\n").ok());
  std::ifstream in(victim);
  std::string line;
  std::getline(in, line);
  CHECK(line == "precious");
  fs::remove_all(dir);
}
