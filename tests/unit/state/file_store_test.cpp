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
  auto j = store.read_journal();
  REQUIRE(j.ok());
  REQUIRE(j->lines.size() == 3);
  CHECK(j->lines[2]["seq"] == 2);
  CHECK_FALSE(j->damage);  // a torn last line is a crash, not damage
}

TEST_CASE(
    "opening a torn journal keeps the fragment aside and the next record on a line of its own") {
  TempDir t;
  {
    state::FileStateStore store(t.path);
    for (int i = 1; i <= 3; ++i)
      REQUIRE(store.append({{"seq", i}, {"type", "warning"}}, true).ok());
  }
  {
    std::ofstream out(t.path + "/journal.jsonl", std::ios::app);
    out << "{\"seq\":4,\"type\":\"gate_mea";
  }
  state::FileStateStore store(t.path);
  REQUIRE(store.open().ok());
  REQUIRE(store.append({{"seq", 4}, {"type", "rollout_started"}}, true).ok());
  auto j = store.read_journal();
  REQUIRE(j.ok());
  REQUIRE(j->lines.size() == 4);
  CHECK(j->lines[3]["type"] == "rollout_started");
  CHECK_FALSE(j->damage);
  std::ifstream torn(t.path + "/journal.jsonl.torn");
  std::string fragment;
  std::getline(torn, fragment);
  CHECK(fragment == "{\"seq\":4,\"type\":\"gate_mea");
  CHECK(fs::file_size(t.path + "/journal.reserve") == state::kJournalReserveBytes);
}

TEST_CASE("a corrupt line or missing events before the end: damage, named by line") {
  TempDir t;
  auto write = [&](const std::string& text) {
    std::ofstream out(t.path + "/journal.jsonl", std::ios::trunc);
    out << text;
  };
  state::FileStateStore store(t.path);
  write("{\"seq\":1,\"type\":\"a\"}\n{\"seq\":2,\"ty\n{\"seq\":3,\"type\":\"c\"}\n");
  auto j = store.read_journal();
  REQUIRE(j.ok());
  REQUIRE(j->damage);
  CHECK(j->damage->line == 2);
  CHECK(j->damage->describe("J") == "J:2: not a JSON line");
  CHECK(j->lines.size() == 2);
  write("{\"seq\":1,\"type\":\"a\"}\n{\"seq\":4,\"type\":\"d\"}\n");
  j = store.read_journal();
  REQUIRE(j->damage);
  CHECK(j->damage->line == 2);
  CHECK(j->damage->what == "event seq 4 follows seq 1 (2 event(s) missing)");
  write("{\"seq\":1,\"type\":\"a\"}\n{\"seq\":1,\"type\":\"a\"}\n");
  CHECK(store.read_journal()->damage->what == "event seq 1 after seq 1 (written twice)");
  write("{\"seq\":1,\"type\":\"a\"}\n{\"seq\":2,\"type\":\"b\"}\n");
  CHECK_FALSE(store.read_journal()->damage);
}

TEST_CASE("a journal that cannot be written stays untrusted (sticky); a lost lock is told apart") {
  TempDir t;
  state::FileStateStore store(t.path);
  fs::create_directory(t.path + "/journal.jsonl");  // open() fails: EISDIR
  CHECK(store.trust().ok());
  CHECK_FALSE(store.append({{"seq", 1}, {"type", "warning"}}, true).ok());
  auto tr = store.trust();
  CHECK(tr.kind == Trust::Kind::journal);
  CHECK(tr.why.find("journal.jsonl") != std::string::npos);
  CHECK(tr.lost == 1);
  fs::remove(t.path + "/journal.jsonl");
  CHECK(store.append({{"seq", 2}, {"type", "warning"}}, true).ok());  // still tries to record
  CHECK(store.trust().kind == Trust::Kind::journal);                  // but stays untrusted
  CHECK_FALSE(store.trusted().ok());

  state::FileStateStore other(t.path + "/x");
  fs::create_directory(t.path + "/x");
  other.set_lock_check([] { return Result<void>(make_error("lock file replaced")); });
  CHECK(other.trust().kind == Trust::Kind::lock);
  CHECK(other.trust().why == "lock file replaced");
}

TEST_CASE("a state.json that cannot be written makes the store untrusted, no record lost") {
  // On a full disk state.json failed silently while the journal still took a line, and
  // the runner went on to the next stage's weight.
  TempDir t;
  state::FileStateStore store(t.path);
  REQUIRE(store.append({{"seq", 1}, {"type", "warning"}}, true).ok());
  fs::create_directory(t.path + "/state.json");  // the rename onto it fails
  CHECK_FALSE(store.save_state({{"status", "running"}}).ok());
  auto tr = store.trust();
  CHECK(tr.kind == Trust::Kind::journal);
  CHECK(tr.why.find("state.json not written") != std::string::npos);
  CHECK(tr.lost == 0);
}

TEST_CASE("a journal symlinked elsewhere is not followed") {
  TempDir t;
  fs::create_symlink("/dev/null", t.path + "/journal.jsonl");
  state::FileStateStore store(t.path);
  CHECK_FALSE(store.open().ok());
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
