// The journal and state.json on disk: round trips, permissions, a torn last line.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

#include "state/file_store.hpp"
#include "state/layout.hpp"

namespace fs = std::filesystem;
using namespace rollout;

namespace {
struct TempDir {
  TempDir() {
    char tmpl[] = "/tmp/rollout-state-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string path;
};
int mode_of(const std::string& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 0777;
}
}  // namespace

TEST_CASE("a rollout directory is 0700 and its files 0600") {
  TempDir t;
  const std::string dir = state::rollout_dir(t.path + "/states", "analyzer");
  REQUIRE(state::ensure_private_dir(dir).ok());
  CHECK(mode_of(dir) == 0700);
  CHECK(mode_of(t.path + "/states") == 0700);
  state::FileStateStore store(dir);
  REQUIRE(store.append({{"type", "rollout_started"}}, true).ok());
  REQUIRE(store.save_state({{"status", "running"}}).ok());
  CHECK(mode_of(dir + "/journal.jsonl") == 0600);
  CHECK(mode_of(dir + "/state.json") == 0600);
  CHECK(state::rollout_dir(t.path, "a", true) == t.path + "/a.dry-run");
}

TEST_CASE("the journal reads back line by line; a line cut short by a crash is skipped") {
  TempDir t;
  state::FileStateStore store(t.path);
  for (int i = 0; i < 3; ++i) REQUIRE(store.append({{"seq", i}, {"type", "warning"}}, i == 2).ok());
  {
    std::ofstream out(t.path + "/journal.jsonl", std::ios::app);
    out << "{\"seq\":3,\"type\":\"warn";  // the process died mid-write
  }
  auto j = store.journal();
  REQUIRE(j.ok());
  REQUIRE(j->size() == 3);
  CHECK((*j)[2]["seq"] == 2);
}

TEST_CASE("state.json is replaced whole, and no temp file is left") {
  TempDir t;
  state::FileStateStore store(t.path);
  REQUIRE(store.save_state({{"status", "running"}}).ok());
  REQUIRE(store.save_state({{"status", "paused"}, {"stage", "ramp"}}).ok());
  auto s = store.load_state();
  REQUIRE(s.ok());
  REQUIRE(s->has_value());
  CHECK((**s)["status"] == "paused");
  int files = 0;
  for (const auto& e : fs::directory_iterator(t.path)) {
    (void)e;
    ++files;
  }
  CHECK(files == 1);
}

TEST_CASE("archive moves an old journal aside before a fresh start") {
  TempDir t;
  state::FileStateStore store(t.path);
  REQUIRE(store.append({{"type", "finished"}}, true).ok());
  REQUIRE(store.archive("20261126T000000Z").ok());
  CHECK(store.journal()->empty());
  CHECK(fs::exists(t.path + "/history/journal.20261126T000000Z.jsonl"));
  REQUIRE(store.append({{"type", "rollout_started"}}, true).ok());
  CHECK(store.journal()->size() == 1);
}

TEST_CASE("pick_rollout: the only rollout, real ones before rehearsals, several need a name") {
  TempDir t;
  CHECK_FALSE(state::pick_rollout(t.path, "").ok());
  for (const char* n : {"a.dry-run", "a"}) {
    REQUIRE(state::ensure_private_dir(t.path + "/" + n).ok());
    state::FileStateStore s(t.path + "/" + n);
    REQUIRE(s.append({{"type", "rollout_started"}}, false).ok());
  }
  auto one = state::pick_rollout(t.path, "");
  REQUIRE(one.ok());
  CHECK(*one == "a");
  REQUIRE(state::ensure_private_dir(t.path + "/b").ok());
  REQUIRE(state::FileStateStore(t.path + "/b").append({{"type", "x"}}, false).ok());
  auto many = state::pick_rollout(t.path, "");
  REQUIRE_FALSE(many.ok());
  CHECK(many.error().message.find("a, b") != std::string::npos);
  CHECK_FALSE(state::pick_rollout(t.path, "../etc").ok());
}
